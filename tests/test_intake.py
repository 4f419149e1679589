"""Intake facts as pages show them: tel: links, waits, hours, red-flag matching, triage wording."""

from __future__ import annotations

from typing import Any

import pytest

from generator.intake import (
    RedFlagMatcher,
    hours_lines,
    normalize_phone,
    tel_uri,
    triage_block,
    wait_in_days,
    wait_text,
)
from generator.schemas import Intake, Organization, RedFlagRoute, Wait
from generator.sources import read_yaml, validate
from tests.conftest import ROOT


def demo_intake(name: str) -> Intake:
    path = ROOT / "intake" / f"{name}.yml"
    return validate(Intake, read_yaml(path, f"intake/{name}.yml"))


def demo_organization(**changes: Any) -> Organization:
    organization = validate(Organization, read_yaml(ROOT / "intake/organization.yml", "organization.yml"))
    return organization.model_copy(update=changes)


def make_intake(**fields: Any) -> Intake:
    data: dict[str, Any] = {
        "service_line": "test-line",
        "name": "Test line",
        "phone": "(555) 010-7700",
        "hours": {"monday-friday": "09:00-17:00"},
        "pathways": {"visit": {"appointment_type": "Visit", "referral": "not-required", "wait": wait(1, 2)}},
    }
    data.update(fields)
    return Intake.model_validate(data)


def wait(low: int, high: int, unit: str = "days") -> dict[str, Any]:
    return {"min": low, "max": high, "unit": unit}


def flags(*groups: tuple[str, list[str]]) -> dict[str, Any]:
    return {"red_flags": [{"route": route, "phrases": phrases} for route, phrases in groups]}


# --- Phones ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "written", ["(555) 010-2200", "555.010.2200", "+1 555 010 2200", "555-010-2200", "1 (555) 010-2200"]
)
def test_tel_uri_of_a_us_number(written: str) -> None:
    assert tel_uri(written) == "tel:+15550102200"
    assert normalize_phone(written) == "+15550102200"


@pytest.mark.parametrize("short", ["911", "988"])
def test_short_codes_stay_as_they_are(short: str) -> None:
    assert tel_uri(short) == f"tel:{short}"
    assert normalize_phone(short) == short


def test_different_numbers_stay_different() -> None:
    assert normalize_phone("(555) 010-2200") != normalize_phone("(555) 010-2210")


# --- Waits -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("low", "high", "unit", "text"),
    [
        (5, 10, "business-days", "5 to 10 business days"),
        (0, 1, "days", "the same day or the next day"),
        (0, 0, "days", "the same day"),
        (2, 2, "weeks", "2 weeks"),
        (1, 1, "weeks", "1 week"),
        (0, 3, "hours", "up to 3 hours"),
        (1, 1, "business-days", "1 business day"),
        (2, 3, "weeks", "2 to 3 weeks"),
    ],
)
def test_wait_text(low: int, high: int, unit: str, text: str) -> None:
    assert wait_text(Wait.model_validate(wait(low, high, unit))) == text


@pytest.mark.parametrize(
    ("low", "high", "unit", "shortest", "longest"),
    [
        (5, 10, "business-days", 7.0, 14.0),
        (2, 3, "weeks", 14.0, 21.0),
        (0, 1, "days", 0.0, 1.0),
        (0, 3, "hours", 0.0, 0.125),
        (1, 1, "weeks", 7.0, 7.0),
    ],
)
def test_wait_in_days(low: int, high: int, unit: str, shortest: float, longest: float) -> None:
    value = Wait.model_validate(wait(low, high, unit))
    assert wait_in_days(value) == pytest.approx(shortest)
    assert wait_in_days(value, longest=True) == pytest.approx(longest)


def test_wait_in_days_orders_mixed_units() -> None:
    waits = [wait(2, 2, "weeks"), wait(11, 11, "business-days"), wait(13, 13, "days"), wait(30, 30, "hours")]
    ordered = sorted(waits, key=lambda w: wait_in_days(Wait.model_validate(w)))
    assert ordered == [
        wait(30, 30, "hours"),
        wait(13, 13, "days"),
        wait(2, 2, "weeks"),
        wait(11, 11, "business-days"),
    ]


# --- Hours -----------------------------------------------------------------------------------


def test_hours_of_the_demo_scripts() -> None:
    assert hours_lines(demo_intake("cardiology")) == [
        "Monday to Friday: 7:30 a.m. to 5:30 p.m.",
        "Saturday and Sunday: closed",
    ]
    assert hours_lines(demo_intake("behavioral-health")) == [
        "Monday to Thursday: 8 a.m. to 8 p.m.",
        "Friday: 8 a.m. to 5 p.m.",
        "Saturday and Sunday: closed",
    ]
    assert hours_lines(demo_intake("primary-care")) == [
        "Monday to Friday: 7 a.m. to 7 p.m.",
        "Saturday: 8 a.m. to noon",
        "Sunday: closed",
    ]


@pytest.mark.parametrize(
    ("hours", "lines"),
    [
        (
            {"monday-friday": "07:30-17:30"},
            ["Monday to Friday: 7:30 a.m. to 5:30 p.m.", "Saturday and Sunday: closed"],
        ),
        ({"monday-sunday": "24h"}, ["Monday to Sunday: open 24 hours"]),
        ({"monday-friday": "24h", "saturday-sunday": "24h"}, ["Monday to Sunday: open 24 hours"]),
        ({"sunday": "00:00-12:00"}, ["Monday to Saturday: closed", "Sunday: midnight to noon"]),
        (
            {"monday": "12:00-24:00", "tuesday": "00:00-24:00"},
            [
                "Monday: noon to midnight",
                "Tuesday: midnight to midnight",
                "Wednesday to Sunday: closed",
            ],
        ),
        (
            {"monday": "08:00-17:00", "wednesday": "08:00-17:00"},
            [
                "Monday: 8 a.m. to 5 p.m.",
                "Tuesday: closed",
                "Wednesday: 8 a.m. to 5 p.m.",
                "Thursday to Sunday: closed",
            ],
        ),
        (
            {"friday-saturday": "13:05-23:59"},
            [
                "Monday to Thursday: closed",
                "Friday and Saturday: 1:05 p.m. to 11:59 p.m.",
                "Sunday: closed",
            ],
        ),
        (
            {"monday": "09:00-12:30", "tuesday": "00:30-11:00"},
            [
                "Monday: 9 a.m. to 12:30 p.m.",
                "Tuesday: 12:30 a.m. to 11 a.m.",
                "Wednesday to Sunday: closed",
            ],
        ),
    ],
)
def test_hours_lines(hours: dict[str, str], lines: list[str]) -> None:
    assert hours_lines(make_intake(hours=hours)) == lines


# --- Red flags -------------------------------------------------------------------------------


@pytest.fixture
def matcher() -> RedFlagMatcher:
    return RedFlagMatcher(
        make_intake(
            triage=flags(
                ("emergency", ["chest pain or pressure right now", "pain spreading to the arm, jaw or back"]),
                ("nurse-line", ["fainting"]),
                ("emergency", ["can't breathe"]),
            )
        )
    )


def phrases(matcher: RedFlagMatcher, text: str) -> list[str]:
    return [hit.phrase for hit in matcher.find(text)]


@pytest.mark.parametrize(
    "text",
    [
        "CHEST PAIN OR PRESSURE RIGHT NOW",
        "Chest pain, or pressure: right now!",
        "If you have **chest pain** or _pressure_ right now, call.",
        "chest pain or\npressure right now",
    ],
)
def test_phrase_found_ignoring_case_punctuation_and_markdown(matcher: RedFlagMatcher, text: str) -> None:
    assert phrases(matcher, text) == ["chest pain or pressure right now"]


def test_punctuation_inside_the_phrase_is_ignored(matcher: RedFlagMatcher) -> None:
    assert phrases(matcher, "Pain spreading to the arm; jaw, or back.") == [
        "pain spreading to the arm, jaw or back"
    ]
    assert phrases(matcher, "pain spreading to the arm jaw or back") == [
        "pain spreading to the arm, jaw or back"
    ]


def test_curly_apostrophe_matches(matcher: RedFlagMatcher) -> None:
    assert phrases(matcher, "I can\u2019t breathe") == ["can't breathe"]


@pytest.mark.parametrize(
    "text",
    [
        "unfainting",
        "faintings",
        "chest pain or pressure right nowhere",
        "mychest pain or pressure right now",
        "chest pain or pressure",
        "pain spreading to the arm",
        "I cant breathe",
    ],
)
def test_whole_words_only(matcher: RedFlagMatcher, text: str) -> None:
    assert matcher.find(text) == []


def test_fainting_matches_as_a_word(matcher: RedFlagMatcher) -> None:
    assert phrases(matcher, "Fainting.") == ["fainting"]
    assert phrases(matcher, "after *fainting* once") == ["fainting"]


def test_hits_come_in_script_order(matcher: RedFlagMatcher) -> None:
    text = "I can't breathe. Fainting. Chest pain or pressure right now."
    hits = matcher.find(text)
    assert [h.phrase for h in hits] == ["chest pain or pressure right now", "fainting", "can't breathe"]
    assert [h.route for h in hits] == [
        RedFlagRoute.EMERGENCY,
        RedFlagRoute.NURSE_LINE,
        RedFlagRoute.EMERGENCY,
    ]


def test_routes_in_script_order_without_repeats(matcher: RedFlagMatcher) -> None:
    assert matcher.routes() == [RedFlagRoute.EMERGENCY, RedFlagRoute.NURSE_LINE]
    crisis_first = RedFlagMatcher(
        make_intake(triage=flags(("crisis", ["a"]), ("emergency", ["b"]), ("crisis", ["c"])))
    )
    assert crisis_first.routes() == [RedFlagRoute.CRISIS, RedFlagRoute.EMERGENCY]
    assert RedFlagMatcher(make_intake()).routes() == []
    assert RedFlagMatcher(make_intake()).find("chest pain or pressure right now") == []


def test_demo_behavioral_health_routes_crisis_first() -> None:
    assert RedFlagMatcher(demo_intake("behavioral-health")).routes() == [
        RedFlagRoute.CRISIS,
        RedFlagRoute.EMERGENCY,
    ]


# --- Triage blocks ---------------------------------------------------------------------------


def test_emergency_uses_approved_wording() -> None:
    cardiology = demo_intake("cardiology")
    assert cardiology.approved_wording.emergency
    block = triage_block(RedFlagRoute.EMERGENCY, cardiology, demo_organization(), ["fainting"])
    assert block.route is RedFlagRoute.EMERGENCY
    assert block.number == "911"
    assert block.wording == cardiology.approved_wording.emergency
    assert block.phrases == ("fainting",)
    assert "call 911" in block.headline.lower()


@pytest.mark.parametrize("intake", [None, make_intake()], ids=["no-intake", "no-approved-wording"])
def test_emergency_default_wording(intake: Intake | None) -> None:
    block = triage_block(RedFlagRoute.EMERGENCY, intake, demo_organization(), [])
    assert block.number == "911"
    assert "call 911" in block.wording.lower()
    assert "call 911" in block.headline.lower()
    assert block.text_ok is False


def test_approved_wording_cannot_drop_911_or_988() -> None:
    quiet = make_intake(approved_wording={"emergency": "Get help now.", "crisis": "Reach out now."})
    emergency = triage_block(RedFlagRoute.EMERGENCY, quiet, demo_organization(), [])
    crisis = triage_block(RedFlagRoute.CRISIS, quiet, demo_organization(), [])
    assert emergency.wording == "Get help now."
    assert "call 911" in emergency.headline.lower()
    assert crisis.wording == "Reach out now."
    assert "call or text 988" in crisis.headline.lower()


def test_crisis_default_says_call_or_text_988() -> None:
    block = triage_block(RedFlagRoute.CRISIS, make_intake(), demo_organization(), ["thinking about suicide"])
    assert block.number == "988"
    assert block.text_ok is True
    assert "call or text 988" in block.wording.lower()
    assert "call or text 988" in block.headline.lower()
    assert "988 Suicide & Crisis Lifeline" in block.wording
    assert "call 911" in block.wording.lower()
    assert block.phrases == ("thinking about suicide",)


def test_crisis_uses_approved_wording() -> None:
    behavioral = demo_intake("behavioral-health")
    block = triage_block(RedFlagRoute.CRISIS, behavioral, demo_organization(), [])
    assert block.wording == behavioral.approved_wording.crisis
    assert block.number == "988"


def test_crisis_line_without_texting() -> None:
    organization = demo_organization(
        crisis_line=demo_organization().crisis_line.model_copy(update={"text": False})
    )
    block = triage_block(RedFlagRoute.CRISIS, None, organization, [])
    assert block.text_ok is False
    assert "text" not in block.wording.lower()
    assert "text" not in block.headline.lower()
    assert "call 988" in block.wording.lower()


def test_nurse_line_number_and_wording() -> None:
    primary = demo_intake("primary-care")
    block = triage_block(RedFlagRoute.NURSE_LINE, primary, demo_organization(), [])
    assert block.number == primary.triage.nurse_line == "(555) 010-3399"
    assert block.wording == primary.approved_wording.nurse_line
    plain = make_intake(triage={"nurse_line": "(555) 010-7799"})
    block = triage_block(RedFlagRoute.NURSE_LINE, plain, demo_organization(), [])
    assert block.number == "(555) 010-7799"
    assert "(555) 010-7799" in block.wording


def test_nurse_line_falls_back_to_the_intake_phone_then_the_organization() -> None:
    organization = demo_organization()
    assert triage_block(RedFlagRoute.NURSE_LINE, make_intake(), organization, []).number == "(555) 010-7700"
    assert triage_block(RedFlagRoute.NURSE_LINE, None, organization, []).number == organization.phone
