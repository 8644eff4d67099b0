"""DHIS2-style identifiers: 11 characters, a letter first, then letters or digits."""

import hashlib
import string

_UID_FIRST = string.ascii_letters
_UID_REST = string.ascii_letters + string.digits


def uid_for(kind: str, code: str) -> str:
    """A uid derived from the code, so every installation gives the same metadata the same
    uids (an exchange partner can map them once)."""
    number = int.from_bytes(hashlib.sha256(f"danso:{kind}:{code}".encode()).digest(), "big")
    chars = [_UID_FIRST[number % len(_UID_FIRST)]]
    number //= len(_UID_FIRST)
    for _i in range(10):
        chars.append(_UID_REST[number % len(_UID_REST)])
        number //= len(_UID_REST)
    return "".join(chars)
