"""Requests for support between actors (begäran om stöd): raised in an incident, addressed to
actors or to anyone, answered and tracked to delivery. Its models are in ``incidents.models``."""
