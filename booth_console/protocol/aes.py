"""AES-128-CBC/PKCS7 for the sensitive fields of vehicle records (section 3.1.5).

Owner ID card, driver's licence, phone number and e-mail come Base64-encoded and encrypted
with the document's fixed key and IV. The simulator encrypts with the same parameters.
"""

from __future__ import annotations

import base64
import binascii

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

__all__ = ["AES_IV", "AES_KEY", "SensitiveFieldError", "decrypt_field", "encrypt_field", "mask"]

AES_KEY = "infoexchange4api"
AES_IV = "activevector4api"


class SensitiveFieldError(ValueError):
    """An encrypted field could not be decrypted (bad Base64, bad padding, not UTF-8)."""


def _check_key(key: str, iv: str | None) -> tuple[bytes, bytes]:
    if len(key) not in (16, 24, 32):
        raise SensitiveFieldError("AES key must be 16, 24 or 32 characters")
    key_bytes = key.encode("utf-8")
    if iv:
        if len(iv) < 16:
            raise SensitiveFieldError("AES IV must be at least 16 characters")
        iv_bytes = iv.encode("utf-8")[:16]
    else:
        iv_bytes = key_bytes[:16]
    return key_bytes, iv_bytes


def decrypt_field(value: str | None, key: str = AES_KEY, iv: str | None = AES_IV) -> str | None:
    """Decrypt a Base64 AES-CBC/PKCS7 value; ``None`` and ``""`` are returned unchanged.

    Raises:
        SensitiveFieldError: the value is not Base64, not whole blocks, badly padded or not
            UTF-8 once decrypted.
    """
    if not value:
        return value
    key_bytes, iv_bytes = _check_key(key, iv)
    try:
        encrypted = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise SensitiveFieldError("encrypted field is not valid Base64") from None
    if not encrypted or len(encrypted) % 16:
        raise SensitiveFieldError("encrypted field is not a whole number of AES blocks")
    decryptor = Cipher(algorithms.AES(key_bytes), modes.CBC(iv_bytes)).decryptor()
    padded = decryptor.update(encrypted) + decryptor.finalize()
    unpadder = padding.PKCS7(128).unpadder()
    try:
        plain = unpadder.update(padded) + unpadder.finalize()
    except ValueError:
        raise SensitiveFieldError("encrypted field has bad padding (wrong key?)") from None
    try:
        return plain.decode("utf-8")
    except UnicodeDecodeError:
        raise SensitiveFieldError("decrypted field is not UTF-8 text") from None


def encrypt_field(value: str | None, key: str = AES_KEY, iv: str | None = AES_IV) -> str | None:
    """Encrypt text as the parking software does; ``None`` and ``""`` are returned unchanged."""
    if not value:
        return value
    key_bytes, iv_bytes = _check_key(key, iv)
    padder = padding.PKCS7(128).padder()
    padded = padder.update(value.encode("utf-8")) + padder.finalize()
    encryptor = Cipher(algorithms.AES(key_bytes), modes.CBC(iv_bytes)).encryptor()
    return base64.b64encode(encryptor.update(padded) + encryptor.finalize()).decode("ascii")


def mask(value: str | None, keep_start: int = 3, keep_end: int = 2) -> str:
    """Mask the middle of a sensitive value for display (``110***********12``)."""
    if not value:
        return ""
    if len(value) <= keep_start + keep_end:
        return "*" * len(value)
    return value[:keep_start] + "*" * (len(value) - keep_start - keep_end) + value[-keep_end:]
