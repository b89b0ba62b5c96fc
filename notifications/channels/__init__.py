"""The channels a message can leave by, one file each, and their registry.

A new channel is a file in this package holding a ``Channel`` subclass marked ``@register``,
plus the person's field it reads its address from: every module here is imported with the
package, so nothing else names it.
"""

import importlib
import pkgutil

from .base import (
    Channel,
    PermanentError,
    TransientError,
    all,
    choices,
    get,
    last_attempt,
    register,
    unregister,
)
from .sms import ConsoleSmsBackend, HttpSmsGateway, sms_backend  # the SMS_BACKEND paths

for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")

__all__ = [
    "Channel",
    "ConsoleSmsBackend",
    "HttpSmsGateway",
    "PermanentError",
    "TransientError",
    "all",
    "choices",
    "get",
    "last_attempt",
    "register",
    "sms_backend",
    "unregister",
]
