"""Benchmark: finding a vehicle's entry from a misread plate in a lot of 10,000 vehicles.

    python bench/find_entry.py [--vehicles 10000] [--repeat 3] [--generated 300] [--json]

One simulator (in-process, loopback HTTP) holds ``--vehicles`` in-lot decoys of the same
province and format (tests/protocol/plate_cases.py) plus the true plates of the hand-written
case table. Measured in the same run:

* **baselines**: one ``ParkingOrder`` page query (in-lot orders, 100 a page), and fetching every
  in-lot order page by page (what a search without fragments would need on each keystroke);
* **per search** (a fresh :class:`EntrySearch` each time, so nothing is kept from an earlier
  search): time, requests sent and records received, for the exact plate, each error class of
  the case table (one look-alike, two look-alikes, missing/extra last character, province,
  combinations, an arbitrary error) and an empty read;
* **accuracy**: top-1 and top-3 of the search against the server, and of ranking the whole lot
  (every in-lot order fetched), which shows what the fragment queries lose;
* **generated misreads**: ``--generated`` in-lot plates misread at random with the error
  classes' shares (``plate_cases.misread``, seeded), the same accuracy figures: a check that
  the hand-written table does not flatter the search; and with ``thorough=True`` (the second
  round always);
* **typing**: a plate typed one character at a time in one dialog session.

Times are medians over ``--repeat`` runs; ratios are against the single page query.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from booth_console.app.find_entry import EntrySearch
from booth_console.client import ParkingClient, condition
from booth_console.protocol.enums import OrderStatus, QueryOperator
from booth_console.protocol.plates import rank
from booth_console.simulator import (
    DEFAULT_APP_ID,
    DEFAULT_APP_SECRET,
    DEFAULT_PARK_KEY,
    Simulator,
    SimulatorConfig,
)
from tests.app.crowded_lot import park_many
from tests.protocol.plate_cases import CASES, decoys, excluded, misread

IN_LOT = [condition("OrderStatus", QueryOperator.EQUAL, int(OrderStatus.ENTERED))]


async def _timed(coro_factory: Any, repeat: int) -> tuple[float, Any]:
    times = []
    result = None
    for _ in range(repeat):
        started = time.perf_counter()
        result = await coro_factory()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), result


async def _fetch_all(client: ParkingClient) -> tuple[list[Any], int]:
    records: list[Any] = []
    async for rec in client.iter_records("ParkingOrderQuery", IN_LOT, page_size=100):
        records.append(rec)
    return records, -(-len(records) // 100)


def _group(kind: str) -> str:
    return kind.split(" (")[0]


async def bench(vehicles: int, repeat: int, generated: int) -> dict[str, Any]:
    sim = Simulator(SimulatorConfig(port=0, traffic=0.0))
    await sim.start()
    client = ParkingClient.for_http(sim.base_url, app_id=DEFAULT_APP_ID,
                                    app_secret=DEFAULT_APP_SECRET, park_key=DEFAULT_PARK_KEY)
    try:
        started = time.perf_counter()
        lot = decoys(vehicles, exclude=excluded())
        park_many(sim, lot, seed=1)
        park_many(sim, [t for t, _, _, _ in CASES], seed=2)
        seeded_s = time.perf_counter() - started

        page_ms, page = await _timed(
            lambda: client.query_parking_orders(IN_LOT, page_index=1, page_size=100), repeat)
        in_lot = page.total_count
        all_ms, (everything, all_pages) = await _timed(lambda: _fetch_all(client), 1)

        per_class: dict[str, list[dict[str, Any]]] = defaultdict(list)

        async def one(read: str, true: str | None, kind: str, runs: int = repeat) -> None:
            async def go() -> Any:
                return await EntrySearch(client).search(read, top=3)
            ms, result = await _timed(go, runs)
            plates = [c.plate for c in result.candidates]
            whole = [r.plate for r in rank(read, everything, lambda r: r.license_plate_number or "",
                                           top=3, max_distance=2.0)] if true else []
            per_class[kind].append(dict(
                read=read, true=true, ms=ms, requests=result.requests, rows=result.rows,
                complete=result.complete,
                top1=bool(true) and plates[:1] == [true], top3=bool(true) and true in plates,
                whole_top1=bool(true) and whole[:1] == [true], whole_top3=bool(true) and true in whole))

        for true, _read, _d, _k in CASES[::4]:
            await one(true, true, "exact")
        for true, read, _d, kind in CASES:
            await one(read, true, _group(kind))
        await one("", None, "empty read")

        thorough: list[tuple[bool, int, int]] = []
        rng = random.Random(2026)
        in_lot_plates = set(lot)
        for true in rng.sample(lot, min(generated, len(lot))):
            read, kind = misread(rng, true)
            if read in in_lot_plates:  # the read is another vehicle's plate: it has an entry
                continue
            await one(read, true, f"generated: {kind}", runs=1)
            deep = await EntrySearch(client).search(read, top=3, thorough=True)
            thorough.append((true in [c.plate for c in deep.candidates], deep.requests, deep.rows))

        # typing one character at a time in one session
        typing = []
        session = EntrySearch(client)
        target = "粤B60821"
        for n in range(1, len(target) + 1):
            started = time.perf_counter()
            result = await session.search(target[:n], top=3)
            typing.append(dict(typed=target[:n], ms=(time.perf_counter() - started) * 1000,
                               requests=result.requests, rows=result.rows,
                               top=[c.plate for c in result.candidates]))
    finally:
        await client.aclose()
        await sim.stop()

    def summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
        n = len(rows)
        return dict(
            n=n, ms=statistics.median(r["ms"] for r in rows),
            ms_max=max(r["ms"] for r in rows),
            requests=statistics.mean(r["requests"] for r in rows),
            requests_max=max(r["requests"] for r in rows),
            rows=statistics.mean(r["rows"] for r in rows), rows_max=max(r["rows"] for r in rows),
            top1=sum(r["top1"] for r in rows), top3=sum(r["top3"] for r in rows),
            whole_top1=sum(r["whole_top1"] for r in rows), whole_top3=sum(r["whole_top3"] for r in rows),
            incomplete=sum(not r["complete"] for r in rows),
        )

    table = [r for k, rows in per_class.items()
             if k not in ("exact", "empty read") and not k.startswith("generated") for r in rows]
    gen = [r for k, rows in per_class.items() if k.startswith("generated") for r in rows]
    return dict(
        vehicles_in_lot=in_lot, seeding_s=seeded_s,
        page_query_ms=page_ms, fetch_all_ms=all_ms, fetch_all_pages=all_pages,
        classes={k: summary(v) for k, v in per_class.items()},
        case_table=summary(table),
        generated=summary(gen) if gen else None,
        thorough=dict(n=len(thorough), top3=sum(t[0] for t in thorough),
                      requests=statistics.mean(t[1] for t in thorough) if thorough else 0,
                      rows=statistics.mean(t[2] for t in thorough) if thorough else 0),
        misses=[f"{r['read']} -> {r['true']}" for r in table if not r["top3"]],
        generated_misses=[f"{r['read']} -> {r['true']}" for r in gen if not r["top3"]],
        typing=typing,
    )


def _print(res: dict[str, Any]) -> None:
    page = res["page_query_ms"]
    print(f"lot: {res['vehicles_in_lot']} in-lot orders (seeded in {res['seeding_s']:.1f} s)")
    print(f"baseline: one ParkingOrder page (100 rows) {page:.1f} ms; all in-lot orders "
          f"{res['fetch_all_ms']:.0f} ms in {res['fetch_all_pages']} requests "
          f"({res['fetch_all_ms'] / page:.0f}x a page)")
    print()
    head = (f"{'class':<26}{'n':>3}{'median ms':>11}{'x page':>8}{'max ms':>8}{'req':>6}"
            f"{'req max':>8}{'rows':>7}{'rows max':>9}{'top1':>6}{'top3':>6}{'lot top3':>9}")
    print(head)
    print("-" * len(head))
    rows = [*res["classes"].items(), ("ALL CASES (table)", res["case_table"])]
    if res["generated"]:
        rows.append(("ALL GENERATED", res["generated"]))
    for name, s in rows:
        print(f"{name:<26}{s['n']:>3}{s['ms']:>11.1f}{s['ms'] / page:>8.2f}{s['ms_max']:>8.1f}"
              f"{s['requests']:>6.2f}{s['requests_max']:>8}{s['rows']:>7.1f}{s['rows_max']:>9}"
              f"{s['top1']:>6}{s['top3']:>6}{s['whole_top3']:>9}")
    t = res["case_table"]
    print()
    print(f"case table: top-1 {t['top1']}/{t['n']} ({100 * t['top1'] / t['n']:.0f} %), top-3 "
          f"{t['top3']}/{t['n']} ({100 * t['top3'] / t['n']:.0f} %); ranking the whole lot: top-1 "
          f"{t['whole_top1']}/{t['n']}, top-3 {t['whole_top3']}/{t['n']}")
    if res["misses"]:
        print("not in the top 3:", ", ".join(res["misses"]))
    g = res["generated"]
    if g:
        print(f"generated misreads: top-1 {g['top1']}/{g['n']} ({100 * g['top1'] / g['n']:.0f} %), "
              f"top-3 {g['top3']}/{g['n']} ({100 * g['top3'] / g['n']:.0f} %); ranking the whole "
              f"lot: top-3 {g['whole_top3']}/{g['n']} ({100 * g['whole_top3'] / g['n']:.0f} %)")
        t = res["thorough"]
        print(f"  thorough (second round always): top-3 {t['top3']}/{t['n']}, "
              f"{t['requests']:.2f} requests and {t['rows']:.1f} records a search")
        if res["generated_misses"]:
            print("  not in the top 3:", ", ".join(res["generated_misses"]))
    print()
    print("typing in one session:")
    for step in res["typing"]:
        print(f"  {step['typed']:<9} {step['ms']:7.1f} ms  {step['requests']} new request(s), "
              f"{step['rows']:>4} rows  top: {' '.join(step['top'])}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--vehicles", type=int, default=10_000, help="in-lot decoys (default 10000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per search (median)")
    parser.add_argument("--generated", type=int, default=300,
                        help="random misreads of in-lot plates to rank (default 300)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    res = asyncio.run(bench(args.vehicles, args.repeat, args.generated))
    if args.json:
        print(json.dumps(res, ensure_ascii=False, indent=1))
    else:
        _print(res)
    return 0


if __name__ == "__main__":
    sys.exit(main())
