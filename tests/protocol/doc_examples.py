"""The JSON examples and code tables of the vendor's interface document, for the tests.

The tests follow the document: every ``Request Example``, ``Return Example`` and callback
example of sections 4-6 is here, tagged with its section, title, V2.0 action and route (or
callback path), and parsed with literal-precision numbers (``Decimal``), with the 3.1.4 code
tables, the parameter-table rows that list codes, and the MQTT signing example of 7.1.3.

They are read from ``tests/protocol/vendor_document.json``, extracted from the document (the
vendor's LAN interface document, HTTP V2.0 and MQTT V3.0) with::

    python3 -m tests.protocol.doc_examples --write DOCUMENT.txt

so the tests run wherever the repository is checked out. Given the document (the environment
variable ``BOOTH_CONSOLE_VENDOR_DOC``), ``tests/protocol/test_vendor_extract.py`` checks that
the committed extract is what the extraction finds in it.
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

#: The committed extract of the document.
EXTRACT = Path(__file__).with_name("vendor_document.json")
#: The environment variable naming the document itself (only for the drift check).
DOC_ENV = "BOOTH_CONSOLE_VENDOR_DOC"

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
    """The interface document named by ``BOOTH_CONSOLE_VENDOR_DOC``, or ``None``."""
    named = os.environ.get(DOC_ENV)
    path = Path(named) if named else None
    return path if path is not None and path.is_file() else None


def require_document() -> None:
    """Fail clearly when the committed extract is missing (it always ships with the tests)."""
    if not EXTRACT.is_file():
        pytest.fail(f"{EXTRACT} is missing: regenerate it from the vendor document "
                    "(python3 -m tests.protocol.doc_examples --write DOCUMENT.txt)")


_decoder = json.JSONDecoder(parse_float=Decimal)


def _parse(text: str) -> Any:
    """JSON with literal-precision numbers (non-integers as ``Decimal``)."""
    return _decoder.decode(text)


# -- reading the committed extract ---------------------------------------------------------


@cache
def _extract() -> dict[str, Any]:
    require_document()
    data: dict[str, Any] = json.loads(EXTRACT.read_text(encoding="utf-8"))
    return data


@cache
def examples() -> tuple[DocExample, ...]:
    """Every JSON example of sections 4-6, in document order."""
    return tuple(DocExample(**{**row, "body": _parse(row["body"])})
                 for row in _extract()["examples"])


def section_titles(section: int) -> list[str]:
    """The titles of the endpoints (or callbacks) of a section, in order."""
    seen: list[str] = []
    for ex in examples():
        if ex.section == section and ex.title not in seen:
            seen.append(ex.title)
    return seen


def mqtt_signing_example() -> tuple[Any, str] | None:
    """Section 7.1.3: the Data of the AreaQuery example and the MD5 the document gives."""
    found = _extract()["mqtt_signing_example"]
    return None if found is None else (_parse(found[0])["Data"], found[1])


def mqtt_response_example() -> Any:
    """Section 7.1.3: the AreaQuery response the document shows (``ResultId`` null)."""
    found = _extract()["mqtt_response_example"]
    return None if found is None else _parse(found)


def enum_table(name: str) -> list[tuple[str, str]]:
    """Rows of a 3.1.4 table (``LicensePlateColorEnum``...) as (code, description).

    For ``QueryOperatorEnum`` the code is ``"<Name> <value>"``; continuation lines are joined.
    """
    return [(code, text) for code, text in _extract()["enum_tables"].get(name, [])]


def field_rows(field: str) -> list[str]:
    """The parameter-table rows describing ``field`` (``» Field type ...``), in order."""
    return list(_extract()["field_rows"].get(field, []))


def code_pairs(text: str) -> dict[int, str]:
    """``0 - Closed, 1 - Open, -1 - Unknown status`` as ``{0: "Closed", ...}``."""
    return {
        int(m.group(1)): m.group(2).strip()
        for m in re.finditer(r"(-?\d+)\s+-\s+([A-Za-z][^,.;:()]*)", text)
    }


def plate_categories() -> dict[int, str]:
    """The documented plate-type categories (``3648, Temporary Vehicle D`` lines)."""
    return {int(k): v for k, v in _extract()["plate_categories"].items()}


# -- extracting from the document ----------------------------------------------------------


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


def _json_after(lines: list[str], start: int, end: int) -> str:
    """The text of the first JSON value that starts on a line after ``start`` (before
    ``end``), exactly as the document writes it."""
    for i in range(start + 1, end):
        stripped = lines[i].lstrip()
        if stripped.startswith(("{", "[")):
            text = "\n".join(lines[i:end])
            offset = len(lines[i]) - len(stripped)
            _, stop = _decoder.raw_decode(text, offset)
            return text[offset:stop]
        if stripped and not stripped.startswith(("{", "[")):
            # a label is followed by a blank line and then the JSON only
            raise ValueError(f"line {i + 1}: expected JSON after example label, got {stripped!r}")
    raise ValueError(f"line {start + 1}: no JSON after example label")


def _extract_examples(lines: list[str]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
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
                found.append(dict(
                    section=section, title=title, label=label, kind=kind, action=action,
                    route=route, callback=callback, body=_json_after(lines, i, h_next),
                    line=i + 1,
                ))
    return found


def _extract_signing_example(lines: list[str]) -> list[str] | None:
    for i, line in enumerate(lines):
        if "The MD5 encrypted result of the Data field is" in line:
            md5 = next(x.strip() for x in lines[i + 1:] if x.strip())
            # the request data is the first JSON block of 7.1.3 before this line
            for j in range(i, 0, -1):
                if lines[j].strip().startswith("1.") and "request data" in lines[j]:
                    return [_json_after(lines, j, i), md5]  # the whole request
    return None


def _extract_response_example(lines: list[str]) -> str | None:
    for i, line in enumerate(lines):
        if line.strip() == "Response data:":
            end = next((k for k in range(i, len(lines)) if lines[k].startswith("7.1.4")), len(lines))
            return _json_after(lines, i, end)
    return None


def _extract_enum_table(lines: list[str], name: str) -> list[tuple[str, str]]:
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


def extract(text: str) -> dict[str, Any]:
    """Everything the tests read, from the document's text (what ``--write`` stores)."""
    lines = text.splitlines()
    enums = sorted({line.strip() for line in lines if re.fullmatch(r"[A-Za-z]+Enum", line.strip())})
    field_rows: dict[str, list[str]] = {}
    for line in lines:
        m = re.match(r"^»+ (\w+) ", line.strip())
        if m:
            field_rows.setdefault(m.group(1), []).append(line.strip())
    categories = {
        m.group(1): m.group(2).strip()
        for m in (re.match(r"^(36\d\d), (.+)$", line.strip()) for line in lines) if m
    }
    return {
        "examples": _extract_examples(lines),
        "mqtt_signing_example": _extract_signing_example(lines),
        "mqtt_response_example": _extract_response_example(lines),
        "enum_tables": {name: _extract_enum_table(lines, name) for name in enums},
        "field_rows": field_rows,
        "plate_categories": categories,
    }


def dumps(extracted: dict[str, Any]) -> str:
    """The extract as committed (stable order, readable diffs)."""
    return json.dumps(extracted, ensure_ascii=False, indent=1) + "\n"


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", metavar="DOCUMENT", type=Path, required=True,
                        help="the vendor's interface document (text)")
    args = parser.parse_args(argv)
    EXTRACT.write_text(dumps(extract(args.write.read_text(encoding="utf-8"))), encoding="utf-8")
    print(f"wrote {EXTRACT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
