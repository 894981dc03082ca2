"""The accounts app's models, one module per kind of thing:

- accounts.py: `User` (an online account) and `SignIn` (how a sign-in went);
- codes.py: `ProvisionalCode` and the forgotten-code `CodeRequest`;
- events.py: `SecurityEvent` and the `Origin` of a request;
- throttles.py: `Throttle`, the shared failure and request counters.

Every name is importable from `assure.accounts.models`.
"""

from assure.lib.client import client_ip
from assure.lib.codes import CODE_ALPHABET

from .accounts import MemberUserManager, SignIn, User, dummy_password_hash
from .codes import (
    CODE_LENGTH,
    CodeRequest,
    CodeRequestQuerySet,
    ProvisionalCode,
    ProvisionalCodeQuerySet,
    code_digest,
    looks_like_code,
    normalize_code,
)
from .events import Origin, SecurityEvent, SecurityEventManager
from .throttles import Throttle

__all__ = [
    "CODE_ALPHABET",
    "CODE_LENGTH",
    "CodeRequest",
    "CodeRequestQuerySet",
    "MemberUserManager",
    "Origin",
    "ProvisionalCode",
    "ProvisionalCodeQuerySet",
    "SecurityEvent",
    "SecurityEventManager",
    "SignIn",
    "Throttle",
    "User",
    "client_ip",
    "code_digest",
    "dummy_password_hash",
    "looks_like_code",
    "normalize_code",
]
