"""PINs: checked for shape, stored only as salted scrypt hashes, compared in constant time.

scrypt (hashlib, from OpenSSL) is memory-hard, so a stolen database file cannot be brute-forced
cheaply on a graphics card; a 4-digit PIN space is still small, which is why sign-in also locks
out after repeated failures (models/staff/sign_in.py). The parameters live in the stored string,
so raising them later keeps old hashes readable.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

PIN_MIN_DIGITS = 4
PIN_MAX_DIGITS = 8
# About 75 ms and 16 MB on the shop computer: unnoticeable at sign-in, slow for an attacker.
SCRYPT_N = 2**14
SCRYPT_R = 8
SCRYPT_P = 1
KEY_BYTES = 32
MAX_MEMORY = 64 * 1024 * 1024


def pin_problem(pin: str) -> str:
    """Why ``pin`` cannot be used, or "" if it can."""
    if not pin:
        return "Enter a PIN."
    if not pin.isascii() or not pin.isdigit():
        return "A PIN is digits only."
    if not PIN_MIN_DIGITS <= len(pin) <= PIN_MAX_DIGITS:
        return f"A PIN has {PIN_MIN_DIGITS} to {PIN_MAX_DIGITS} digits."
    return ""


def hash_pin(pin: str) -> str:
    salt = secrets.token_bytes(16)
    key = _derive(pin, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    return "$".join(("scrypt", str(SCRYPT_N), str(SCRYPT_R), str(SCRYPT_P),
                     _b64(salt), _b64(key)))


def pin_matches(pin: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, key = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(key)
        actual = _derive(pin, base64.b64decode(salt), int(n), int(r), int(p))
    except ValueError:  # an empty or damaged hash never matches
        return False
    return hmac.compare_digest(actual, expected)


def _derive(pin: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(pin.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=KEY_BYTES,
                          maxmem=MAX_MEMORY)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")
