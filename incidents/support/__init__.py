"""Requests for support between actors (begäran om stöd): raised in an incident, addressed to
actors or to anyone, answered and tracked to delivery. Its models belong to the incidents app and
are importable from ``incidents.models``."""
