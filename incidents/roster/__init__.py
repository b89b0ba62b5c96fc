"""The on-call roster: RSIB, RKK and TiB shifts, requested changes to them and the hours each
lending actor is reimbursed for. Its models (``models``) belong to the incidents app and are
importable from ``incidents.models``; this package holds the roster's queries, writes, forms
and pages."""
