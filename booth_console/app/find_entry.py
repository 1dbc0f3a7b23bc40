"""Find the entry of a vehicle at an exit: in-lot orders searched by plate fragments, ranked.

Qt-free: the find-entry dialog and ``booth-console find-entry`` both use :class:`EntrySearch`.

The search never fetches the whole lot. It asks the server's ``ParkingOrder`` query for in-lot
orders (``OrderStatus`` = 200) whose plate contains fragments of the read, with every
look-alike spelling of each fragment in one ``InLike`` condition (``plate LIKE '%X%' OR ...``),
and ranks what comes back with :func:`booth_console.protocol.plates.rank`:

1. **Core.** The core is the serial's first five characters (four when the read has only six
   characters), after the province character and city letter, which this round does not rely
   on. The first request asks for plates containing every four-character window of the core
   (``AND``), each in any look-alike spelling. This finds look-alike swaps, a missing or extra
   last character (a five-character core never includes a seven-character plate's extra
   eighth character nor an eight-character plate's lost one) and a wrong province or city
   character, and matches few plates: five characters, give or take look-alikes.
2. **One arbitrary error.** Only when nothing closer than 1 came back (every plate this round
   adds differs from the core by a character that is not a look-alike, so it is at least 1
   away and cannot outrank what the first round found): for each core position, the plates
   containing the read without that character, as two parts: the city letter and the core
   before it, the core after it (parts of one character dropped). The city letter makes a
   two-character part selective (``B6`` starts one plate in ten of a city's; ``6`` is in four in ten);
   parts that stand alone share one ``InLike`` request, two parts are a request of two
   ``AND``-ed conditions. This finds any single substitution, missing or extra character in
   the core, unless the city letter was misread too.

An empty read lists the most recent entries (one page), and so does a fragment with fewer than
two characters after the province character and city letter (those containing it). A longer
fragment (under six characters, typed by the attendant) is searched as windows of four. Every
request asks for pages of :attr:`page_size` (100, the document's maximum), at most
:attr:`max_pages` of them; a search that hit the cap
says so (``complete`` is false) and ranks what it has. Answers are kept for the life of the
:class:`EntrySearch` (one dialog session), so typing more characters sends only the requests
that are new.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from booth_console.client import ParkingClient, condition
from booth_console.protocol import models as m
from booth_console.protocol.enums import OrderStatus, QueryOperator
from booth_console.protocol.plates import (
    DEFAULT_COSTS,
    Comparison,
    Costs,
    Ranked,
    compare,
    is_fragment,
    lookalikes,
    normalize_plate,
    rank,
    serial_start,
)

__all__ = ["Candidate", "EntrySearch", "QueryPlan", "SearchResult", "plan_queries", "spellings"]

log = logging.getLogger("booth_console.find_entry")

PLATE_FIELD = "LicensePlateNumber"
#: Letters never issued on plates: a look-alike spelling with them cannot match.
_NEVER = frozenset("IO")
#: Records ranked on the caller's loop at most (about 20 µs each); more go to a worker thread.
RANK_INLINE_MAX = 100
#: At most this many spellings of one fragment (4 characters of 0/D/Q give 27).
MAX_SPELLINGS = 81


def spellings(fragment: str) -> list[str]:
    """Every look-alike spelling of ``fragment`` a plate could carry (the fragment first)."""
    options = ["".join(c for c in lookalikes(ch) if c not in _NEVER or c == ch) or ch
               for ch in fragment]
    out: list[str] = []
    seen: set[str] = set()
    for combo in itertools.product(*options):
        text = "".join(combo)
        if text in seen:
            continue
        if text != fragment and any(c in _NEVER for c in text):
            continue
        seen.add(text)
        out.append(text)
        if len(out) >= MAX_SPELLINGS:
            break
    return out


def _windows(text: str, size: int) -> list[str]:
    if len(text) <= size:
        return [text]
    return [text[i:i + size] for i in range(len(text) - size + 1)]


@dataclass(frozen=True)
class QueryPlan:
    """One request: plates containing one of the spellings of each group (groups AND-ed).

    ``latest``: one page of the most recent entries (for an empty or very short read), not
    every page up to the cap.
    """

    groups: tuple[tuple[str, ...], ...]
    latest: bool = False

    def conditions(self) -> list[m.QueryCondition]:
        """The QueryCondition list: in-lot orders, then one plate condition per group."""
        conds = [condition("OrderStatus", QueryOperator.EQUAL, int(OrderStatus.ENTERED))]
        for group in self.groups:
            if len(group) == 1:
                conds.append(condition(PLATE_FIELD, QueryOperator.LIKE, group[0]))
            else:
                conds.append(condition(PLATE_FIELD, QueryOperator.IN_LIKE, list(group)))
        return conds


def _drop_covered(parts: list[str]) -> list[str]:
    """Fragments without those containing another one (a plate with ``2345`` has ``345``)."""
    unique = list(dict.fromkeys(parts))
    return [p for p in unique if not any(q != p and q in p for q in unique)]


def _group(fragments: Sequence[str]) -> tuple[str, ...]:
    spelled: dict[str, None] = {}
    for frag in fragments:
        for s in spellings(frag):
            spelled.setdefault(s, None)
    return tuple(spelled)


def core_of(read: str) -> str:
    """The characters of the read the first round relies on (see the module's description)."""
    serial = read[serial_start(read):]
    return serial[:5] if len(serial) >= 5 else serial


def _latest(literal: str = "") -> QueryPlan:
    return QueryPlan(groups=((literal,),) if literal else (), latest=True)


def plan_queries(read: str) -> tuple[list[QueryPlan], list[QueryPlan]]:
    """The first-round and second-round requests for a normalised read.

    An empty read, or a fragment with fewer than two characters after a province character
    and city letter: one page of the latest entries (containing the fragment). A longer
    fragment: one request for it (windows of four, AND-ed). A plate: the core round, and the
    one-error round, whose parts start with the read's city letter (rarely wrong, and it makes
    a two-character part selective).
    """
    if not read:
        return [_latest()], []
    if is_fragment(read):
        if len(read) - serial_start(read) < 2 or len(read) < 3:
            return [_latest(read)], []
        return [QueryPlan(groups=tuple(_group([w]) for w in _windows(read, 4)))], []
    start = serial_start(read)
    core = core_of(read)
    if len(core) < 3:
        return [_latest(read)], []
    first = [QueryPlan(groups=tuple(_group([w]) for w in _windows(core, 4)))]
    city = read[start - 1:start] if start >= 1 else ""
    ext = city + core
    offset = len(city)
    singles: list[str] = []
    second: list[QueryPlan] = []
    for p in range(len(core)):
        left, right = ext[:offset + p], ext[offset + p + 1:]
        parts = [part for part in (left, right) if len(part) >= 2]
        if len(parts) == 2:
            second.append(QueryPlan(groups=(_group([left]), _group([right]))))
        elif len(parts) == 1 and len(parts[0]) >= 3:  # two characters alone match too many
            singles.append(parts[0])
    if singles:
        second.insert(0, QueryPlan(groups=(_group(_drop_covered(singles)),)))
    return first, second


@dataclass(frozen=True)
class Candidate:
    """An in-lot order whose plate may be the vehicle at the exit.

    Attributes:
        plate: the order's plate.
        order_no: its OrderNo.
        entry_time: EntryTime as the server wrote it.
        entry_lane_no, entry_lane_name: the entry lane.
        entry_image_url: the entry capture.
        distance: weighted distance to the read (0: the same plate).
        comparison: per-character marks for highlighting.
    """

    plate: str
    order_no: str
    entry_time: str | None
    entry_lane_no: str | None
    entry_lane_name: str | None
    entry_image_url: str | None
    distance: float
    comparison: Comparison

    @property
    def differing(self) -> tuple[int, ...]:
        """Indexes of the plate's characters that differ from the read."""
        return self.comparison.differing

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-ready form (for ``--json``)."""
        return {
            "plate": self.plate, "order_no": self.order_no, "entry_time": self.entry_time,
            "entry_lane_no": self.entry_lane_no, "entry_lane_name": self.entry_lane_name,
            "score": round(self.distance, 3), "differing": list(self.differing),
        }


@dataclass(frozen=True)
class SearchResult:
    """The ranked candidates of one search, and what it cost.

    Attributes:
        read: the normalised read.
        candidates: best first.
        requests: requests sent to the server for this search (answers already kept are free).
        rows: records received for this search.
        complete: false when a request had more pages than :attr:`EntrySearch.max_pages`.
    """

    read: str
    candidates: tuple[Candidate, ...]
    requests: int
    rows: int
    complete: bool


@dataclass
class _Answer:
    records: list[m.ParkingOrderRecord]
    complete: bool


@dataclass
class EntrySearch:
    """Searches of one dialog session against one server (answers kept for its life).

    Attributes:
        client: the parking server.
        page_size: records per page (the document allows at most 100).
        max_pages: pages fetched at most per request.
        second_round_from: a second round only when no candidate is closer than this.
        max_distance: candidates further than this are not listed.
        costs: the distance's weights.
    """

    client: ParkingClient
    page_size: int = 100
    max_pages: int = 3
    second_round_from: float = 1.0
    max_distance: float = 2.0
    costs: Costs = DEFAULT_COSTS
    requests_sent: int = 0
    _answers: dict[QueryPlan, _Answer] = field(default_factory=dict, repr=False)

    def forget(self) -> None:
        """Drop the kept answers (the lot changed)."""
        self._answers.clear()

    async def _run(self, plan: QueryPlan) -> tuple[_Answer, int, int]:
        """The plan's answer; with the number of requests sent and rows received for it."""
        kept = self._answers.get(plan)
        if kept is not None:
            return kept, 0, 0
        conds = plan.conditions()
        records: list[m.ParkingOrderRecord] = []
        sent = 0
        complete = True
        pages = 1 if plan.latest else self.max_pages
        order_by, order_type = ("EntryTime", 1) if plan.latest else ("Uid", 0)
        for index in range(1, pages + 1):
            page = await self.client.query_parking_orders(
                conds, page_index=index, page_size=self.page_size, order_by=order_by,
                order_type=order_type)
            sent += 1
            self.requests_sent += 1
            records.extend(page.results)
            if not page.results or index * self.page_size >= page.total_count:
                break
        else:
            complete = plan.latest  # the latest entries: one page is what was asked for
        answer = _Answer(records, complete)
        self._answers[plan] = answer
        return answer, sent, len(records)

    async def search(self, read: str | None, *, top: int = 10, thorough: bool = False) -> SearchResult:
        """In-lot candidates for ``read`` (what the camera read or the attendant typed).

        ``thorough``: run the second round even when the first found a close candidate (the
        plate may be one arbitrary error away while a look-alike of the read is parked too).

        Raises:
            TransportError: the server cannot be reached or answered garbage.
            ApiError: the server refused the query.
        """
        norm = normalize_plate(read)
        first, second = plan_queries(norm)
        found: dict[str, m.ParkingOrderRecord] = {}
        requests = rows = 0
        complete = True

        async def run(plans: list[QueryPlan]) -> None:
            nonlocal requests, rows, complete
            for plan in plans:
                answer, sent, got = await self._run(plan)
                requests += sent
                rows += got
                complete = complete and answer.complete
                for rec in answer.records:
                    if rec.order_no and rec.order_no not in found:
                        found[rec.order_no] = rec

        await run(first)
        if not norm:
            recent = [self._candidate(norm, rec, 0.0) for rec in found.values()][:top]
            return SearchResult(norm, tuple(recent), requests, rows, complete)
        ranked = await self._rank_off_loop(norm, found)
        if second and (thorough or not ranked or ranked[0].distance >= self.second_round_from):
            await run(second)
            ranked = await self._rank_off_loop(norm, found)
        records = list(found.values())
        candidates = tuple(self._candidate(norm, records[r.index], r.distance) for r in ranked[:top])
        log.debug("find entry: %d requests, %d rows, %d candidates", requests, rows, len(ranked))
        return SearchResult(norm, candidates, requests, rows, complete)

    async def _rank_off_loop(self, norm: str,
                             found: dict[str, m.ParkingOrderRecord]) -> list[Ranked]:
        """:meth:`_rank`, on a worker thread past :data:`RANK_INLINE_MAX` records (about 20 µs
        each: the console's loop runs on the Qt thread, which must not wait for it)."""
        if len(found) <= RANK_INLINE_MAX:
            return self._rank(norm, found)
        return await asyncio.to_thread(self._rank, norm, dict(found))

    def _rank(self, norm: str, found: dict[str, m.ParkingOrderRecord]) -> list[Ranked]:
        """Closest first; equally close ones by latest entry (a typed fragment fits many)."""
        records = list(found.values())
        ranked = rank(norm, records, lambda r: r.license_plate_number or "",
                      max_distance=self.max_distance, costs=self.costs)
        ranked.sort(key=lambda r: records[r.index].entry_time or "", reverse=True)
        ranked.sort(key=lambda r: r.distance)
        return ranked

    def _candidate(self, norm: str, rec: m.ParkingOrderRecord, distance: float) -> Candidate:
        plate = normalize_plate(rec.license_plate_number)
        return Candidate(
            plate=plate, order_no=rec.order_no or "", entry_time=rec.entry_time,
            entry_lane_no=rec.entry_lane_no, entry_lane_name=rec.entry_lane_name,
            entry_image_url=rec.entry_image_url, distance=distance,
            comparison=compare(norm, plate, costs=self.costs),
        )
