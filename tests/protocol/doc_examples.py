"""Pull the JSON examples and code tables out of the vendor's interface document at test time.

The tests follow the document: every ``Request Example``, ``Return Example`` and callback
example of sections 4-6 is found here, tagged with its section, title, V2.0 action and route
(or callback path), and parsed with literal-precision numbers (``Decimal``).

The document lives at ``../shared/seeds/000_0363626b35436233.txt`` relative to the repository
root (fallback ``/work/shared/seeds/...``). When it is absent, :func:`require_document` skips
the calling test, unless ``CI=true``, where a missing document fails.
"""

from __future__ import annotations

import itertools
import json
import os
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pytest

DOC_NAME = "000_0363626b35436233.txt"
_REPO_ROOT = Path(__file__).resolve().parents[2]
_CANDIDATES = (
    _REPO_ROOT.parent / "shared" / "seeds" / DOC_NAME,
    Path("/work/shared/seeds") / DOC_NAME,
)

#: The example labels of the document and what they hold.
_LABELS = {
    "Request Example": "request",
    "Return Example": "response",
    "Callback Parameter Example": "callback",
}

#: Sections 4-6 as the document titles them.
_SECTION_HEADINGS = {
    4: "4. Query Interfaces(V2.0)",
    5: "5. Notification Interfaces(V2.0)",
    6: "6. Callback Interfaces(V2.0&V3.0)",
    7: "7. V3.0 Interface Documentation (MQTT)",
}

#: Callback titles of section 6 and their listener path names (the entry callback's section
#: has no example URL, so titles are the reliable key).
CALLBACK_TITLES = {
    "Vehicle Entry Callback": "OnVehicleIn",
    "Vehicle Exit Callback": "OnVehicleOut",
    "Payment Result Callback": "OnPayResult",
    "Vehicle Issuance Callback": "OnSubscribedVehicle",
    "Vehicle Recharge and Extension Callback": "OnRechargeGracePeriod",
    "Vehicle Cancellation Callback": "OnUnsubscribedVehicle",
    "Parking Space Change Callback": "OnParkingSpaces",
    "Gate Release Record Callback": "OnGateReleaseRecord",
    "Blacklist Callback": "OnBlackList",
    "Booth Lane Information Callback": "OnLaneChange",
}


@dataclass(frozen=True)
class DocExample:
    """One JSON example of the document.

    Attributes:
        section: 4 (queries), 5 (notifications) or 6 (callbacks).
        title: the endpoint's or callback's title.
        label: the document's label, e.g. ``Return Example``.
        kind: ``request``, ``response`` (sections 4-5), ``callback`` or ``ack`` (section 6).
        action: the V2.0 path action (``Query``, ``GetLaneStatus``...) for sections 4-5.
        route: the V2.0 ``Route`` query value, or ``None``.
        callback: the callback path name (``OnVehicleIn``) for section 6.
        body: the parsed JSON (non-integer numbers as ``Decimal``).
        line: 1-based line of the label in the document.
    """

    section: int
    title: str
    label: str
    kind: str
    action: str | None
    route: str | None
    callback: str | None
    body: Any
    line: int

    @property
    def data(self) -> Any:
        """The example's ``Data`` (``None`` when absent)."""
        return self.body.get("Data") if isinstance(self.body, dict) else None

    @property
    def ident(self) -> str:
        """A readable test id."""
        name = self.callback or (f"{self.action}/{self.route}" if self.route else self.action)
        return f"s{self.section}-{name}-{self.kind}"


def document_path() -> Path | None:
    """The interface document's path, or ``None`` when it is not present."""
    for candidate in _CANDIDATES:
        if candidate.is_file():
            return candidate
    return None


def require_document() -> str:
    """The document's text; skips the test when it is absent (fails when ``CI=true``)."""
    text = document_text()
    if text is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"interface document {DOC_NAME} not found (looked in {_CANDIDATES})")
        pytest.skip(f"interface document {DOC_NAME} not found")
    return text


@cache
def document_text() -> str | None:
    """The document's text, or ``None``."""
    path = document_path()
    return path.read_text(encoding="utf-8") if path else None


def _lines() -> list[str]:
    text = document_text()
    return text.splitlines() if text else []


def _section_bounds(lines: list[str]) -> dict[int, tuple[int, int]]:
    starts: dict[int, int] = {}
    for number, heading in _SECTION_HEADINGS.items():
        for i, line in enumerate(lines):
            # the table of contents does not exist; the first exact match is the heading
            if line.strip() == heading:
                starts[number] = i
                break
    bounds: dict[int, tuple[int, int]] = {}
    for number in (4, 5, 6):
        if number in starts and number + 1 in starts:
            bounds[number] = (starts[number], starts[number + 1])
    return bounds


_decoder = json.JSONDecoder(parse_float=Decimal)


def _json_after(lines: list[str], start: int, end: int) -> Any:
    """Decode the first JSON value that starts on a line after ``start`` (before ``end``)."""
    for i in range(start + 1, end):
        stripped = lines[i].lstrip()
        if stripped.startswith(("{", "[")):
            text = "\n".join(lines[i:end])
            value, _ = _decoder.raw_decode(text, len(lines[i]) - len(stripped))
            return value
        if stripped and not stripped.startswith(("{", "[")):
            # a label is followed by a blank line and then the JSON only
            raise ValueError(f"line {i + 1}: expected JSON after example label, got {stripped!r}")
    raise ValueError(f"line {start + 1}: no JSON after example label")


@cache
def examples() -> tuple[DocExample, ...]:
    """Every JSON example of sections 4-6, in document order (empty without the document)."""
    lines = _lines()
    found: list[DocExample] = []
    for section, (start, end) in sorted(_section_bounds(lines).items()):
        # each endpoint/callback starts with its title followed by "Brief Description"
        heads = [
            i - 2 for i in range(start, end)
            if lines[i].strip() == "Brief Description" and not lines[i - 1].strip()
        ]
        heads.append(end)
        for h, h_next in itertools.pairwise(heads):
            title = lines[h].strip()
            block = lines[h:h_next]
            action = route = callback = None
            for line in block:
                m = re.search(r"/Api/V2/OpenApi/(\w+)", line)
                if m and action is None:
                    action = m.group(1)
                m = re.match(r"Route string (\w+) API route", line.strip())
                if m:
                    route = m.group(1)
            if section == 6:
                callback = CALLBACK_TITLES.get(title)
                for line in block:
                    m = re.search(r"/API/V2/(On\w+)", line)
                    if m:
                        callback = m.group(1)
                        break
            for i in range(h, h_next):
                label = lines[i].strip()
                if label not in _LABELS:
                    continue
                kind = _LABELS[label]
                if section == 6:
                    kind = "ack" if kind == "response" else "callback"
                found.append(DocExample(
                    section=section, title=title, label=label, kind=kind, action=action,
                    route=route, callback=callback, body=_json_after(lines, i, h_next),
                    line=i + 1,
                ))
    return tuple(found)


def section_titles(section: int) -> list[str]:
    """The titles of the endpoints (or callbacks) of a section, in order."""
    seen: list[str] = []
    for ex in examples():
        if ex.section == section and ex.title not in seen:
            seen.append(ex.title)
    return seen


@cache
def mqtt_signing_example() -> tuple[Any, str] | None:
    """Section 7.1.3: the Data of the AreaQuery example and the MD5 the document gives."""
    lines = _lines()
    for i, line in enumerate(lines):
        if "The MD5 encrypted result of the Data field is" in line:
            md5 = next(x.strip() for x in lines[i + 1:] if x.strip())
            # the request data is the first JSON block of 7.1.3 before this line
            for j in range(i, 0, -1):
                if lines[j].strip().startswith("1.") and "request data" in lines[j]:
                    body = _json_after(lines, j, i)
                    return body["Data"], md5
    return None


@cache
def mqtt_response_example() -> Any:
    """Section 7.1.3: the AreaQuery response the document shows (``ResultId`` null)."""
    lines = _lines()
    for i, line in enumerate(lines):
        if line.strip() == "Response data:":
            end = next((k for k in range(i, len(lines)) if lines[k].startswith("7.1.4")), len(lines))
            return _json_after(lines, i, end)
    return None


@cache
def enum_table(name: str) -> list[tuple[str, str]]:
    """Rows of a 3.1.4 table (``LicensePlateColorEnum``...) as (code, description).

    For ``QueryOperatorEnum`` the code is ``"<Name> <value>"``; continuation lines are joined.
    """
    lines = _lines()
    try:
        i = next(k for k, line in enumerate(lines) if line.strip() == name)
    except StopIteration:
        return []
    i += 1
    while not lines[i].strip():
        i += 1
    i += 1  # header
    rows: list[tuple[str, str]] = []
    pattern = (
        re.compile(r"^([A-Za-z]+) (\d+) (.*)$") if name == "QueryOperatorEnum"
        else re.compile(r"^(-?\d+) (.*)$")
    )
    while i < len(lines) and lines[i].strip():
        m = pattern.match(lines[i].strip())
        if m:
            if name == "QueryOperatorEnum":
                rows.append((f"{m.group(1)} {m.group(2)}", m.group(3)))
            else:
                rows.append((m.group(1), m.group(2)))
        i += 1
    return rows


def field_rows(field: str) -> list[str]:
    """The parameter-table rows describing ``field`` (``» Field type ...``), in order."""
    pattern = re.compile(rf"^»+ {re.escape(field)} ")
    return [line.strip() for line in _lines() if pattern.match(line.strip())]


def code_pairs(text: str) -> dict[int, str]:
    """``0 - Closed, 1 - Open, -1 - Unknown status`` as ``{0: "Closed", ...}``."""
    return {
        int(m.group(1)): m.group(2).strip()
        for m in re.finditer(r"(-?\d+)\s+-\s+([A-Za-z][^,.;:()]*)", text)
    }


def plate_categories() -> dict[int, str]:
    """The documented plate-type categories (``3648, Temporary Vehicle D`` lines)."""
    return {
        int(m.group(1)): m.group(2).strip()
        for m in (re.match(r"^(36\d\d), (.+)$", line.strip()) for line in _lines())
        if m
    }
