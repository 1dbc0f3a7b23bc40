"""Exit-camera misreads for the simulator: the error classes of Chinese plate recognition.

A misread is unreadable (nothing read) one time in ten; otherwise its class is drawn with the
shares a study of plate-recognition errors gives: a look-alike character (45 %), a missing or
extra last character (25 %), the province or city character (6 %), anything else (24 %: a
substitution, a character lost or added in the middle). The look-alike table is the console's
own (:data:`booth_console.protocol.plates.LOOKALIKE_GROUPS`).
"""

from __future__ import annotations

import random

from booth_console.protocol.plates import LOOKALIKE_GROUPS, PLATE_LETTERS, PROVINCES

__all__ = ["KINDS", "UNREADABLE_SHARE", "draw_kind", "misread"]

#: the classes ``misread`` knows (``/Sim/Misread`` ``Class``)
KINDS = ("lookalike", "last", "province", "other", "unreadable")
#: share of misreads where nothing is read
UNREADABLE_SHARE = 0.1
_DIGITS = "0123456789"
_ALNUM = PLATE_LETTERS + _DIGITS


def draw_kind(rng: random.Random) -> str:
    """A misread class drawn with the shares of the module's description."""
    if rng.random() < UNREADABLE_SHARE:
        return "unreadable"
    r = rng.random()
    if r < 0.45:
        return "lookalike"
    if r < 0.70:
        return "last"
    if r < 0.76:
        return "province"
    return "other"


def misread(rng: random.Random, plate: str, kind: str | None = None) -> tuple[str, str]:
    """How the exit camera reads ``plate``: (read, class). ``kind`` forces the class (one of
    :data:`KINDS`); the read always differs from the plate except for ``unreadable`` (``""``).

    Raises:
        ValueError: an unknown ``kind``, or a plate too short to misread (under 3 characters).
    """
    kind = kind or draw_kind(rng)
    if kind not in KINDS:
        raise ValueError(f"unknown misread class {kind!r} (one of {', '.join(KINDS)})")
    if kind == "unreadable":
        return "", kind
    if len(plate) < 3:
        raise ValueError(f"plate {plate!r} is too short to misread")
    chars = list(plate)
    if kind == "lookalike":
        spots = [i for i in range(1, len(chars)) if any(chars[i] in g for g in LOOKALIKE_GROUPS)]
        if spots:
            i = rng.choice(spots)
            group = next(g for g in LOOKALIKE_GROUPS if chars[i] in g)
            chars[i] = rng.choice([c for c in group if c != chars[i]])
            return "".join(chars), kind
        kind = "other"  # nothing to confuse: an arbitrary error instead
    if kind == "last":
        if rng.random() < 0.5:
            return plate[:-1], kind
        return plate + rng.choice(_DIGITS), kind
    if kind == "province":
        if chars[0] in PROVINCES and rng.random() < 0.7:
            chars[0] = rng.choice([c for c in PROVINCES if c != chars[0]])
        else:
            chars[1] = rng.choice([c for c in PLATE_LETTERS if c != chars[1]])
        return "".join(chars), kind
    i = rng.randrange(2, len(chars))
    k = rng.random()
    if k < 0.6:
        chars[i] = rng.choice([c for c in _ALNUM if c != chars[i]])
    elif k < 0.8:
        del chars[i]
    else:
        chars.insert(i, rng.choice(_ALNUM))
    return "".join(chars), "other"
