"""The on-call roster: RSIB, RKK and TiB shifts, requested changes to them and the hours each
lending actor is reimbursed for. The models live with the rest of activated mode
(``incidents.models``); this package holds the roster's queries, writes, forms and pages."""
