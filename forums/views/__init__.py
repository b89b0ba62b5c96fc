"""Forum, meeting and minutes pages, one module per part: forums (``forums``), their seats and
cluster representation (``seats``), meetings (``meetings``), minutes (``minutes``) and calendars
(``calendar``). Members see the forums they hold a seat in; the secretariat sees and manages all
of them."""
