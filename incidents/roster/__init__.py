"""The on-call roster: RSIB, RKK and TiB shifts, requested changes to them and the hours each
lending actor is reimbursed for. Its models are in
``incidents.models.roster``; this package holds the roster's queries, writes, forms
and pages."""
