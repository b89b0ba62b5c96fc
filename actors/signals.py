"""What the actor registry tells the apps built on it, without knowing them.

- ``assignments_changed``: sent with ``user_ids`` inside the transaction that changed those users'
  assignments or logins; apps that derive access from assignments re-derive it.
- ``personal_data_export``: sent with ``person``; each receiver returns ``{section: [rows]}`` for
  the person's data export.
- ``person_anonymised``: sent with ``person`` after the registry anonymised them; receivers scrub
  what their app holds about the person.
"""

from django.dispatch import Signal

assignments_changed = Signal()
personal_data_export = Signal()
person_anonymised = Signal()
