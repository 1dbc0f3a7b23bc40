"""Chinese plates as an exit camera misreads them: look-alikes, a weighted distance, ranking.

Pure code (no Qt, no I/O). The look-alike table lives here and nowhere else; the entry search
(:mod:`booth_console.app.find_entry`), the find-entry dialog and the command line use it.

A Chinese plate is a province character (粤, 京, ...), a city letter and a serial of five
characters (seven in all), or six for new-energy vehicles (eight in all, ``粤BD12345``); some
end in a special character (学, 警, 挂, ...). The serial never uses the letters I and O, so a read
with either is always a misread. Recognition errors fall into a few classes, which the
distance weighs below an arbitrary substitution:

- a look-alike character (0/D/Q/O, 8/B, 1/I/L/7/T, 2/Z, 5/S, 6/G, 4/A);
- a missing or extra last character (which also turns an eight-character new-energy plate
  into a seven-character read and back);
- a wrong province character (cameras favour the lot's own province) or city letter;
- a missing province character (some cameras report ``B12345``).

The distance is a weighted edit distance: each substitution, missing and extra character has
the cost of :class:`Costs`, by kind and position. :func:`compare` also tells which characters
of the candidate differ from the read, for highlighting.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

__all__ = [
    "LOOKALIKE_GROUPS",
    "PLATE_LETTERS",
    "PROVINCES",
    "SUFFIXES",
    "Comparison",
    "Costs",
    "Mark",
    "Ranked",
    "compare",
    "is_fragment",
    "is_province",
    "lookalikes",
    "normalize_plate",
    "plate_distance",
    "rank",
    "serial_start",
]

#: The province (and municipality) characters of civil plates.
PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
#: Special last characters (driving school, police, trailer, Hong Kong, Macau, consulate,
#: embassy, test, over-limit).
SUFFIXES = "学警挂港澳领使试超"
#: Letters a plate may carry (I and O are never issued).
PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"

#: Characters an exit camera confuses with each other; any two in one group are look-alikes.
#: The study behind the exceptions issue names 0/D/Q/O, 8/B, 1/I/L/7, 2/Z, 5/S and 6/G; T joins
#: 1 and 7 (a thin top bar), and 4/A is a common confusion of Chinese plate readers.
LOOKALIKE_GROUPS: tuple[str, ...] = ("0DQO", "8B", "1IL7T", "2Z", "5S", "6G", "4A")

_GROUP_OF: dict[str, int] = {ch: i for i, group in enumerate(LOOKALIKE_GROUPS) for ch in group}
_SEPARATORS = frozenset(" \t\r\n·•・.-_")


def lookalikes(ch: str) -> str:
    """``ch`` followed by the characters it is confused with (``"0"`` -> ``"0DQO"``)."""
    group = _GROUP_OF.get(ch)
    if group is None:
        return ch
    return ch + "".join(c for c in LOOKALIKE_GROUPS[group] if c != ch)


def is_province(ch: str) -> bool:
    """``ch`` is one of the province characters."""
    return len(ch) == 1 and ch in PROVINCES


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def normalize_plate(text: str | None) -> str:
    """The plate as compared: NFKC (full-width to half-width), upper case, no separators."""
    if not text:
        return ""
    folded = unicodedata.normalize("NFKC", text).upper()
    return "".join(ch for ch in folded if ch not in _SEPARATORS)


def serial_start(plate: str) -> int:
    """Index of the serial: 2 after province and city letter, 1 without a province character."""
    if plate and _is_cjk(plate[0]):
        return 2
    return 1 if len(plate) >= 6 else 0


def is_fragment(read: str) -> bool:
    """A few characters typed or read, not a whole plate (matched anywhere in a candidate).

    A whole plate has a province character and at least six characters, or at least six
    characters (a read that lost its province character). Shorter input is a fragment.
    """
    return len(read) < 6


@dataclass(frozen=True)
class Costs:
    """Cost of each kind of difference (an arbitrary substitution costs 1).

    Attributes:
        lookalike: one look-alike character for another (anywhere).
        province: one province character for another (first position).
        city: one city letter for another (second position).
        substitute: any other substitution.
        end: a missing or extra last character.
        province_missing: a read without the province character (or with one too many).
        indel: a missing or extra character anywhere else.
    """

    lookalike: float = 0.25
    province: float = 0.5
    city: float = 0.6
    substitute: float = 1.0
    end: float = 0.4
    province_missing: float = 0.5
    indel: float = 1.0


DEFAULT_COSTS = Costs()


class Mark(StrEnum):
    """How one character of a candidate compares with the read."""

    SAME = "same"
    LOOKALIKE = "lookalike"  # a look-alike character was read in its place
    CHANGED = "changed"  # another character was read in its place
    MISSING = "missing"  # the read lacks it


@dataclass(frozen=True)
class Comparison:
    """A candidate plate against the read.

    Attributes:
        distance: the weighted distance (0 for the same plate).
        marks: one mark per character of the candidate.
        extra: indexes of read characters the candidate does not have.
    """

    distance: float
    marks: tuple[Mark, ...]
    extra: tuple[int, ...]

    @property
    def differing(self) -> tuple[int, ...]:
        """Indexes of the candidate's characters to highlight."""
        return tuple(i for i, mark in enumerate(self.marks) if mark is not Mark.SAME)


def _sub_cost(a: str, b: str, i: int, j: int, costs: Costs) -> float:
    """Cost of reading ``a`` (read index ``i``) where the candidate has ``b`` (index ``j``)."""
    if a == b:
        return 0.0
    ga, gb = _GROUP_OF.get(a), _GROUP_OF.get(b)
    best = costs.substitute
    if ga is not None and ga == gb:
        best = costs.lookalike
    if j == 0 and i == 0 and is_province(a) and is_province(b):
        best = min(best, costs.province)
    elif j == 1 and i == 1 and a.isascii() and b.isascii() and a.isalpha() and b.isalpha():
        best = min(best, costs.city)
    return best


def _gap_cost(text: str, k: int, costs: Costs, longer: bool) -> float:
    """Cost of ``text[k]`` having no counterpart (missing from, or extra in, the read).

    ``longer``: ``text`` is the longer of the two; only then is its last character a missing
    or extra one (two end gaps must not make a cheap substitution of the last character).
    """
    if longer and k == len(text) - 1 and k > 0:
        return costs.end
    if k == 0 and _is_cjk(text[0]):
        return costs.province_missing
    return costs.indel


def _table(read: str, cand: str, costs: Costs, partial: bool,
           cutoff: float | None) -> list[list[float]] | None:
    n, m = len(read), len(cand)
    inf = float("inf")
    prev = [0.0] * (m + 1)
    cand_gaps = [costs.indel if partial else _gap_cost(cand, j, costs, m > n) for j in range(m)]
    if not partial:
        for j in range(1, m + 1):
            prev[j] = prev[j - 1] + cand_gaps[j - 1]
    rows = [prev]
    groups = _GROUP_OF
    lookalike, substitute = costs.lookalike, costs.substitute
    cand_groups = [groups.get(b, -1) for b in cand]
    for i in range(1, n + 1):
        a = read[i - 1]
        ga = groups.get(a, -2)
        extra = _gap_cost(read, i - 1, costs, n > m)
        row = [prev[0] + extra] + [inf] * m
        for j in range(1, m + 1):
            b = cand[j - 1]
            if a == b:
                sub = 0.0
            elif i <= 2 and j <= 2:  # province and city positions
                sub = _sub_cost(a, b, i - 1, j - 1, costs)
            else:
                sub = lookalike if ga == cand_groups[j - 1] else substitute
            best = prev[j - 1] + sub
            v = prev[j] + extra
            if v < best:
                best = v
            v = row[j - 1] + cand_gaps[j - 1]
            if v < best:
                best = v
            row[j] = best
        if cutoff is not None and min(row) > cutoff:
            return None
        rows.append(row)
        prev = row
    return rows


def plate_distance(read: str, candidate: str, *, costs: Costs = DEFAULT_COSTS,
                   partial: bool | None = None, cutoff: float | None = None) -> float:
    """The weighted distance between a read and a candidate plate (both normalised).

    Args:
        read: what the camera read or the attendant typed.
        candidate: a plate in the lot.
        costs: the weights.
        partial: match ``read`` anywhere in the candidate (default: :func:`is_fragment`).
        cutoff: give up early and return ``inf`` once the distance must exceed it.
    """
    if partial is None:
        partial = is_fragment(read)
    rows = _table(read, candidate, costs, partial, cutoff)
    if rows is None:
        return float("inf")
    last = rows[-1]
    return min(last) if partial else last[-1]


def compare(read: str, candidate: str, *, costs: Costs = DEFAULT_COSTS,
            partial: bool | None = None) -> Comparison:
    """Distance plus which characters of ``candidate`` differ from ``read``."""
    if partial is None:
        partial = is_fragment(read)
    rows = _table(read, candidate, costs, partial, None)
    assert rows is not None
    n, m = len(read), len(candidate)
    if partial:
        j = min(range(m + 1), key=lambda k: (rows[n][k], -k))
        end_j = j
    else:
        j = end_j = m
    distance = rows[n][j]
    marks: list[Mark] = [Mark.SAME] * m
    extra: list[int] = []
    i = n
    eps = 1e-9
    while i > 0 or j > 0:
        if i == 0:
            if not partial:
                marks[j - 1] = Mark.MISSING
            j -= 1
            continue
        here = rows[i][j]
        if j > 0:
            a, b = read[i - 1], candidate[j - 1]
            sub = 0.0 if a == b else _sub_cost(a, b, i - 1, j - 1, costs)
            if abs(rows[i - 1][j - 1] + sub - here) < eps:
                if a != b:
                    same_group = _GROUP_OF.get(a) is not None and _GROUP_OF.get(a) == _GROUP_OF.get(b)
                    marks[j - 1] = Mark.LOOKALIKE if same_group else Mark.CHANGED
                i -= 1
                j -= 1
                continue
        if abs(rows[i - 1][j] + _gap_cost(read, i - 1, costs, n > m) - here) < eps:
            extra.append(i - 1)
            i -= 1
            continue
        marks[j - 1] = Mark.MISSING
        j -= 1
    if partial:
        for k in range(end_j, m):
            marks[k] = Mark.SAME  # free tail of a fragment match
    return Comparison(distance, tuple(marks), tuple(sorted(extra)))


T = TypeVar("T")


@dataclass(frozen=True)
class Ranked:
    """One ranked candidate: its distance and the index of the item it came from."""

    distance: float
    plate: str
    index: int


def rank(read: str, items: Sequence[T], plate_of: Callable[[T], str], *, top: int | None = None,
         max_distance: float | None = None, costs: Costs = DEFAULT_COSTS) -> list[Ranked]:
    """Rank ``items`` by the distance of their plate to ``read``, closest first.

    Ties are ordered by plate, then by position in ``items``. ``max_distance`` leaves out
    candidates further than it; ``top`` keeps the first ``top``.
    """
    norm = normalize_plate(read)
    partial = is_fragment(norm)
    out: list[Ranked] = []
    cutoff = max_distance
    for index, item in enumerate(items):
        plate = normalize_plate(plate_of(item))
        d = plate_distance(norm, plate, costs=costs, partial=partial, cutoff=cutoff)
        if max_distance is not None and d > max_distance:
            continue
        out.append(Ranked(d, plate, index))
    out.sort(key=lambda r: (r.distance, r.plate, r.index))
    return out if top is None else out[:top]
