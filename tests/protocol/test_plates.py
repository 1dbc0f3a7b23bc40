"""Plate look-alikes, the weighted distance, highlighting and ranking (no server)."""

from __future__ import annotations

import itertools

import pytest

from booth_console.protocol.plates import (
    LOOKALIKE_GROUPS,
    PROVINCES,
    Costs,
    Mark,
    compare,
    is_fragment,
    lookalikes,
    normalize_plate,
    plate_distance,
    rank,
)
from tests.protocol.plate_cases import CASES, decoys, excluded

C = Costs()


def test_the_studys_lookalikes_are_in_the_one_table() -> None:
    named = ["0DQO", "8B", "1IL7", "2Z", "5S", "6G"]
    for group in named:
        for a, b in itertools.permutations(group, 2):
            assert b in lookalikes(a), (a, b)
            assert plate_distance(f"粤B{a}2345", f"粤B{b}2345") == C.lookalike
    # each character is in one group only: the table has one answer per pair
    chars = "".join(LOOKALIKE_GROUPS)
    assert len(chars) == len(set(chars))


def test_a_lookalike_swap_costs_less_than_any_other() -> None:
    assert plate_distance("粤B1Z345", "粤B12345") == 0.25
    assert plate_distance("粤B1X345", "粤B12345") == 1.0
    assert plate_distance("粤B18345", "粤B12345") == 1.0  # 8 looks like B, not like 2
    assert C.lookalike < C.province < C.city < C.substitute


def test_missing_or_extra_last_character() -> None:
    assert plate_distance("粤B1234", "粤B12345") == C.end
    assert plate_distance("粤B123456", "粤B12345") == C.end
    # a character lost in the middle is not the common case
    assert plate_distance("粤B1245", "粤B12345") == C.indel
    # two end gaps do not make a cheap substitution of the last character
    assert plate_distance("粤B12346", "粤B12345") == C.substitute


def test_new_energy_plates_against_seven_character_reads() -> None:
    # an eight-character plate whose last character was not read
    assert plate_distance("粤BD1234", "粤BD12345") == C.end
    # a seven-character plate read with an extra character looks like a new-energy plate
    assert plate_distance("粤BD123456", "粤BD12345") == C.end
    # the D of a new-energy plate lost in the middle costs a full character
    assert plate_distance("粤B12345", "粤BD12345") == C.indel
    ranked = rank("粤BD1234", ["粤BD12345", "粤BD12340", "粤B123450"], lambda p: p)
    # 粤BD12345 and 粤BD12340 both lost their last character (0.4, tie ordered by plate);
    # 粤B123450 has 1 where D was read and lacks D (1 + ... > 0.4)
    assert [r.plate for r in ranked[:2]] == ["粤BD12340", "粤BD12345"]
    assert ranked[2].plate == "粤B123450" and ranked[2].distance > 0.4


def test_wrong_or_missing_province_and_city() -> None:
    assert plate_distance("粤B29471", "湘B29471") == C.province
    assert plate_distance("B29471", "湘B29471") == C.province_missing
    assert plate_distance("粤E13579", "粤B13579") == C.city
    # a province character in another place is not a province mistake
    assert plate_distance("粤B2947粤", "粤B29471") == C.substitute
    for a, b in itertools.combinations(PROVINCES[:6], 2):
        assert plate_distance(f"{a}B29471", f"{b}B29471") == C.province


def test_normalisation() -> None:
    assert normalize_plate(" 粤b·12345 ") == "粤B12345"
    assert normalize_plate("粤Ｂ１２３４５") == "粤B12345"  # full-width from a scanner
    assert normalize_plate(None) == ""
    assert is_fragment("2345") and not is_fragment("B12345") and not is_fragment("粤B1234")


def test_marks_point_at_the_differing_characters() -> None:
    two = compare("粤8I2345", "粤B12345")
    assert two.distance == 0.5
    assert two.differing == (1, 2)
    assert two.marks[1] is Mark.LOOKALIKE and two.marks[2] is Mark.LOOKALIKE
    other = compare("粤B12945", "粤B12345")
    assert other.differing == (4,) and other.marks[4] is Mark.CHANGED
    missing = compare("粤B1234", "粤B12345")
    assert missing.differing == (6,) and missing.marks[6] is Mark.MISSING and missing.extra == ()
    extra = compare("粤B123456", "粤B12345")
    assert extra.differing == () and extra.extra == (7,)
    province = compare("粤B29471", "湘B29471")
    assert province.differing == (0,) and province.marks[0] is Mark.CHANGED
    no_province = compare("B64082", "粤B64082")
    assert no_province.differing == (0,) and no_province.marks[0] is Mark.MISSING
    assert compare("粤B12345", "粤B12345").differing == ()


def test_a_typed_fragment_matches_anywhere() -> None:
    assert plate_distance("2345", "粤B12345") == 0.0
    assert plate_distance("Z34", "粤B12345") == C.lookalike
    frag = compare("Z34", "粤B12345")
    assert frag.differing == (3,)  # only the look-alike; the rest of the plate was not typed
    ranked = rank("Z34", ["粤B12345", "粤B56789", "粤B23400"], lambda p: p)
    # 粤B23400 contains 234 (one look-alike, 0.25) like 粤B12345; 粤B56789 shares nothing
    assert {r.plate for r in ranked[:2]} == {"粤B12345", "粤B23400"}
    assert ranked[2].plate == "粤B56789"


def test_ranking_of_a_small_lot_by_hand() -> None:
    lot = ["粤B17345", "粤B12345", "粤B1Z346", "粤B12845", "京B1Z345"]
    ranked = rank("粤B1Z345", lot, lambda p: p)
    # 粤B12345: Z read for 2 (0.25); 京B1Z345: the province (0.5);
    # 粤B17345, 粤B1Z346: one arbitrary character each (1.0), by plate;
    # 粤B12845: Z for 2 (0.25) and 3 for 8 (1.0)
    assert [(r.plate, r.distance) for r in ranked] == [
        ("粤B12345", 0.25), ("京B1Z345", 0.5), ("粤B17345", 1.0), ("粤B1Z346", 1.0),
        ("粤B12845", 1.25)]
    assert lot[ranked[0].index] == "粤B12345"
    assert [r.plate for r in rank("粤B1Z345", lot, lambda p: p, max_distance=0.5)] == [
        "粤B12345", "京B1Z345"]
    assert len(rank("粤B1Z345", lot, lambda p: p, top=2)) == 2


def test_the_case_table_covers_every_error_class() -> None:
    assert len(CASES) >= 40
    classes = {c.split(" ")[0] for _, _, _, c in CASES}
    assert {"lookalike", "last", "province", "city", "other"} <= classes
    assert any(len(t) == 8 for t, _, _, _ in CASES)


@pytest.mark.parametrize(("true", "read", "expected", "kind"), CASES,
                         ids=[f"{r}->{t}" for t, r, _, _ in CASES])
def test_hand_computed_distances(true: str, read: str, expected: float, kind: str) -> None:
    assert plate_distance(read, true) == pytest.approx(expected)


def test_each_misread_finds_its_plate_in_the_top_three_among_5000_decoys() -> None:
    lot = decoys(5000, exclude=excluded())
    assert len(lot) == 5000 and all(p.startswith("粤") for p in lot)
    missed: list[str] = []
    first = 0
    for true, read, _expected, _kind in CASES:
        ranked = rank(read, [*lot, true], lambda p: p, top=3, max_distance=2.0)
        plates = [r.plate for r in ranked]
        if true not in plates:
            missed.append(f"{read}->{true}: {plates}")
        elif plates[0] == true:
            first += 1
    assert missed == []
    # ties with a decoy as close as the true plate are possible only for the 1.0 cases
    assert first >= len(CASES) - sum(1 for c in CASES if c[2] >= 1.0)
