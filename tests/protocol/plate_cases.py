"""Misread plates written by hand from the recognition error classes, and a lot of decoys.

Each case is (plate in the lot, what the exit camera read, the distance worked out by hand from
the weights of :class:`booth_console.protocol.plates.Costs`: look-alike 0.25, province 0.5,
city letter 0.6, missing/extra last character 0.4, missing province 0.5, anything else 1).
Shared by ``tests/protocol/test_plates.py`` and ``bench/find_entry.py``.
"""

from __future__ import annotations

import random

# (true plate, read, hand-computed distance, error class)
CASES: list[tuple[str, str, float, str]] = [
    # one look-alike
    ("粤B12345", "粤B1Z345", 0.25, "lookalike"),
    ("粤B60821", "粤BG0821", 0.25, "lookalike"),
    ("粤B80531", "粤BB0531", 0.25, "lookalike"),
    ("粤B5D732", "粤BSD732", 0.25, "lookalike"),
    ("粤B0Q118", "粤BDQ118", 0.25, "lookalike"),
    ("粤BA0917", "粤BAO917", 0.25, "lookalike"),
    ("粤B17720", "粤BI7720", 0.25, "lookalike"),
    ("粤B31746", "粤B3L746", 0.25, "lookalike"),
    ("粤B2Z086", "粤BZZ086", 0.25, "lookalike"),
    ("粤B96155", "粤B961S5", 0.25, "lookalike"),
    ("粤B40261", "粤B4026I", 0.25, "lookalike"),
    ("粤B88317", "粤B8B317", 0.25, "lookalike"),
    ("粤BQ5810", "粤B05810", 0.25, "lookalike"),
    ("粤B45207", "粤BA5207", 0.25, "lookalike"),
    # two look-alikes
    ("粤BD6290", "粤BDG29O", 0.5, "lookalike x2"),
    ("粤B70532", "粤B1O532", 0.5, "lookalike x2"),
    ("粤B2G568", "粤BZG56B", 0.5, "lookalike x2"),
    ("粤B36G02", "粤B3GG0Z", 0.5, "lookalike x2"),
    ("粤B07158", "粤BD7I58", 0.5, "lookalike x2"),
    ("粤B81562", "粤BB1S62", 0.5, "lookalike x2"),
    # missing or extra last character (new-energy plates too)
    ("粤B73914", "粤B7391", 0.4, "last missing"),
    ("粤BC2847", "粤BC284", 0.4, "last missing"),
    ("粤B6H315", "粤B6H31", 0.4, "last missing"),
    ("粤B26813", "粤B2681", 0.4, "last missing"),
    ("粤BD37251", "粤BD3725", 0.4, "last missing (new energy)"),
    ("粤BF02918", "粤BF0291", 0.4, "last missing (new energy)"),
    ("粤B50362", "粤B503628", 0.4, "last extra"),
    ("粤BK6093", "粤BK60931", 0.4, "last extra"),
    ("粤B94721", "粤B947217", 0.4, "last extra"),
    # province or city character
    ("湘B29471", "粤B29471", 0.5, "province"),
    ("川A51936", "粤A51936", 0.5, "province"),
    ("京N82304", "粤N82304", 0.5, "province"),
    ("桂B70315", "鄂B70315", 0.5, "province"),
    ("粤B13579", "粤E13579", 0.6, "city"),
    ("粤B64082", "B64082", 0.5, "province missing"),
    # two classes at once
    ("粤B20584", "粤BZ058", 0.65, "lookalike + last missing"),
    ("湘B60217", "粤BG0217", 0.75, "province + lookalike"),
    ("粤BD52081", "粤BDS208", 0.65, "lookalike + last missing (new energy)"),
    # anything else: one arbitrary substitution, a character lost or added in the middle
    ("粤B47309", "粤B47389", 1.0, "other"),
    ("粤B5K826", "粤B5K823", 1.0, "other"),
    ("粤B91034", "粤B9H034", 1.0, "other"),
    ("粤B62817", "粤B6817", 1.0, "other (middle missing)"),
    ("粤B35940", "粤B359940", 1.0, "other (middle extra)"),
]

_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
_DIGITS = "0123456789"


def decoy_plate(rng: random.Random, province: str = "粤") -> str:
    """A plate of the lot's province: city letter, then an ordinary or a new-energy serial.

    Ordinary (80 %): five characters, each of the first three a letter one time in four, the
    last two digits. New energy (20 %): D or F, a letter or digit, four digits.
    """
    city = "B" if rng.random() < 0.7 else rng.choice(_LETTERS)
    if rng.random() < 0.8:
        serial = "".join(rng.choice(_LETTERS) if i < 3 and rng.random() < 0.25 else rng.choice(_DIGITS)
                         for i in range(5))
    else:
        serial = (rng.choice("DF") + rng.choice(_LETTERS + _DIGITS)
                  + "".join(rng.choice(_DIGITS) for _ in range(4)))
    return province + city + serial


def decoys(n: int, seed: int = 12, exclude: set[str] | None = None) -> list[str]:
    """``n`` distinct decoy plates, none of them in ``exclude``."""
    rng = random.Random(seed)
    out: dict[str, None] = {}
    skip = exclude or set()
    while len(out) < n:
        plate = decoy_plate(rng)
        if plate not in skip:
            out.setdefault(plate, None)
    return list(out)


def excluded() -> set[str]:
    """Plates a decoy must not be: the true plates, and the reads (a read that is itself a
    vehicle in the lot has its entry and needs no search)."""
    return {t for t, _, _, _ in CASES} | {r for _, r, _, _ in CASES}


_ALNUM = _LETTERS + _DIGITS


def misread(rng: random.Random, plate: str) -> tuple[str, str]:
    """A random misread of ``plate`` drawn with the error classes' shares: a look-alike (45 %),
    a missing or extra last character (25 %), the province or city character (6 %), anything
    else (24 %: a substitution, a character lost or added in the middle). Returns (read, class);
    the read is the plate itself when it has no look-alike character to swap."""
    from booth_console.protocol.plates import LOOKALIKE_GROUPS, PROVINCES

    chars = list(plate)
    r = rng.random()
    if r < 0.45:
        spots = [i for i in range(1, len(chars)) if any(chars[i] in g for g in LOOKALIKE_GROUPS)]
        if not spots:
            return plate, "lookalike"
        i = rng.choice(spots)
        group = next(g for g in LOOKALIKE_GROUPS if chars[i] in g)
        chars[i] = rng.choice([c for c in group if c != chars[i]])
        return "".join(chars), "lookalike"
    if r < 0.70:
        if rng.random() < 0.5:
            return plate[:-1], "last missing"
        return plate + rng.choice(_DIGITS), "last extra"
    if r < 0.76:
        if rng.random() < 0.7:
            chars[0] = rng.choice([c for c in PROVINCES if c != chars[0]])
            return "".join(chars), "province"
        chars[1] = rng.choice([c for c in _LETTERS if c != chars[1]])
        return "".join(chars), "city"
    i = rng.randrange(2, len(chars))
    k = rng.random()
    if k < 0.6:
        chars[i] = rng.choice([c for c in _ALNUM if c != chars[i]])
        return "".join(chars), "other"
    if k < 0.8:
        del chars[i]
        return "".join(chars), "other"
    chars.insert(i, rng.choice(_ALNUM))
    return "".join(chars), "other"
