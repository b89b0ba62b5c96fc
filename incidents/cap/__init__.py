"""CAP alerts: a published joint message to the public exported as an OASIS CAP 1.2 alert
(``build``), the export, update and cancel (``services``), and the pages: a message's alerts,
each alert's XML and the public Atom feed (``views``)."""
