"""Sessions in the database, read through the cache (Django's ``cached_db``), whose cached copy
ends when the session does by the portal's clock.

Django's ``cached_db`` trusts the cache's own expiry for a cached session: a copy is good until
Redis drops it. Here the copy carries its session's expiry date and counts only before it, as the
row does (``expire_date > now``), so the two can never disagree, whatever Redis's clock or a
missed delete. With Redis down every read is a miss and the row is read, as before.
"""

import logging
from typing import Any

from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore
from django.contrib.sessions.backends.db import SessionStore as DBStore
from django.utils import timezone

logger = logging.getLogger("django.contrib.sessions")

MARK = "ssr-session-v1"


class SessionStore(CachedDBStore):
    cache_key_prefix = "ssr.sessions.cached_db"

    def load(self) -> dict[str, Any]:
        try:
            entry = self._cache.get(self.cache_key)
        except Exception:  # as Django's: an invalid key is a miss
            entry = None
        if isinstance(entry, tuple) and len(entry) == 3 and entry[0] == MARK:
            _mark, expires, data = entry
            if expires > timezone.now().timestamp():
                return data
        row = self._get_session_from_db()
        if row is None:
            return {}
        data = self.decode(row.session_data)
        self._keep(data, row.expire_date)
        return data

    def save(self, must_create: bool = False) -> None:
        DBStore.save(self, must_create)
        self._keep(self._session, self.get_expiry_date())

    def _keep(self, data: dict[str, Any], expire_date) -> None:
        seconds = int((expire_date - timezone.now()).total_seconds())
        if seconds <= 0:
            return
        try:
            self._cache.set(self.cache_key, (MARK, expire_date.timestamp(), data), seconds)
        except Exception:
            logger.exception("Error saving to cache (%s)", self._cache)

    # The portal is served over WSGI: the async variants would store Django's plain form.
    async def aload(self) -> dict[str, Any]:
        raise NotImplementedError

    async def asave(self, must_create: bool = False) -> None:
        raise NotImplementedError
