"""Activated mode's tables: incidents and what the network shares during them (``incidents``),
the on-call roster (``roster``), requests for support (``support``), coordination conferences
(``conferences``) and the live checklist (``checklist``). Everything is importable from
``incidents.models``; the packages beside this one (``incidents.support`` …) hold the queries,
writes and pages."""

from .cap import *  # noqa: F403
from .checklist import *  # noqa: F403
from .conferences import *  # noqa: F403
from .incidents import *  # noqa: F403
from .roster import *  # noqa: F403
from .support import *  # noqa: F403
