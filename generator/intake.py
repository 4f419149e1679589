"""Intake scripts turned into what pages show: phones, hours, waits, referral rules, red flags."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache

import phonenumbers

from generator.schemas import (
    Intake,
    Organization,
    Pathway,
    RedFlagRoute,
    Referral,
    Wait,
    WaitUnit,
)

DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@lru_cache(maxsize=4096)
def tel_uri(phone: str) -> str:
    """``(555) 010-2200`` → ``tel:+15550102200``; short codes (911, 988) stay as they are;
    an extension is kept (``;ext=12``). Cached: every page shows the same few numbers."""
    digits = re.sub(r"\D", "", phone)
    if len(digits) <= 4:
        return f"tel:{digits}"
    number = phonenumbers.parse(phone, "US")
    uri = "tel:" + phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return f"{uri};ext={number.extension}" if number.extension else uri


def normalize_phone(phone: str) -> str:
    """A comparable form of a phone number (E.164), whatever way it was written."""
    return tel_uri(phone).removeprefix("tel:")


_UNIT_WORDS = {
    WaitUnit.HOURS: ("hour", "hours"),
    WaitUnit.DAYS: ("day", "days"),
    WaitUnit.BUSINESS_DAYS: ("business day", "business days"),
    WaitUnit.WEEKS: ("week", "weeks"),
}


def wait_text(wait: Wait) -> str:
    """``Wait(5, 10, business-days)`` → ``5 to 10 business days``; ``Wait(0, 1, days)`` →
    ``the same day or the next day``."""
    one, many = _UNIT_WORDS[wait.unit]
    if wait.max == 0:
        return "the same day" if wait.unit is not WaitUnit.HOURS else "right away"
    if wait.min == 0 and wait.max == 1 and wait.unit is not WaitUnit.HOURS:
        return f"the same {one} or the next {one}"
    if wait.min == 0:
        return f"up to {wait.max} {one if wait.max == 1 else many}"
    if wait.min == wait.max:
        return f"{wait.max} {one if wait.max == 1 else many}"
    return f"{wait.min} to {wait.max} {many}"


def wait_in_days(wait: Wait, *, longest: bool = False) -> float:
    """A wait in calendar days (business days count 7/5), for comparisons."""
    value = wait.max if longest else wait.min
    per_unit = {
        WaitUnit.HOURS: 1 / 24,
        WaitUnit.DAYS: 1.0,
        WaitUnit.BUSINESS_DAYS: 7 / 5,
        WaitUnit.WEEKS: 7.0,
    }[wait.unit]
    return value * per_unit


REFERRAL_TEXT = {
    Referral.REQUIRED: "You need a referral from your doctor.",
    Referral.NOT_REQUIRED: "You do not need a referral.",
    Referral.SOME_PLANS: "Some insurance plans need a referral. Check with your plan.",
}


def referral_text(referral: Referral) -> str:
    """The sentence a page shows for a referral rule."""
    return REFERRAL_TEXT[referral]


def _clock(value: str) -> str:
    hours, minutes = (int(x) for x in value.split(":"))
    if hours in (0, 24) and minutes == 0:
        return "midnight"
    if hours == 12 and minutes == 0:
        return "noon"
    suffix = "a.m." if hours < 12 else "p.m."
    hours = hours % 12 or 12
    return f"{hours}:{minutes:02d} {suffix}" if minutes else f"{hours} {suffix}"


def day_hours(intake: Intake) -> dict[str, str]:
    """Hours per day (``monday`` → ``07:30-17:30`` / ``closed`` / ``24h``); missing days closed."""
    out = dict.fromkeys(DAYS, "closed")
    for key, value in intake.hours.items():
        first, _, last = key.partition("-")
        start, end = DAYS.index(first), DAYS.index(last or first)
        for day in DAYS[start : end + 1]:
            out[day] = value
    return out


def hours_lines(intake: Intake) -> list[str]:
    """Human hours, consecutive days with the same hours grouped: ``Monday to Friday: 7:30 a.m.
    to 5:30 p.m.``."""
    per_day = day_hours(intake)
    lines: list[str] = []
    i = 0
    while i < len(DAYS):
        j = i
        while j + 1 < len(DAYS) and per_day[DAYS[j + 1]] == per_day[DAYS[i]]:
            j += 1
        value = per_day[DAYS[i]]
        if value == "closed":
            text = "closed"
        elif value == "24h":
            text = "open 24 hours"
        else:
            start, end = value.split("-")
            text = f"{_clock(start)} to {_clock(end)}"
        joiner = " and " if j == i + 1 else " to "
        days = DAYS[i].capitalize() if i == j else f"{DAYS[i].capitalize()}{joiner}{DAYS[j].capitalize()}"
        lines.append(f"{days}: {text}")
        i = j + 1
    return lines


_WORDS = re.compile(r"[a-z0-9]+")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_TAG = re.compile(r"<[^>]+>")


def words(text: str) -> list[str]:
    """Lowercase words of ``text``: punctuation dropped, apostrophes split words
    (``fainting's`` → ``fainting``, ``s``)."""
    return _WORDS.findall(text.lower())


def prose(markdown: str) -> str:
    """What a reader sees of Markdown: link text without targets, no HTML tags."""
    return _TAG.sub(" ", _LINK.sub(r"\1", markdown))


@dataclass(frozen=True)
class RedFlagHit:
    """A red-flag phrase found in a page."""

    route: RedFlagRoute
    phrase: str


class RedFlagMatcher:
    """Finds an intake script's red-flag phrases in text, as whole words, ignoring case,
    punctuation and formatting (``**chest pain** or pressure`` matches)."""

    def __init__(self, intake: Intake) -> None:
        self.intake = intake

    @cached_property
    def _patterns(self) -> list[tuple[RedFlagRoute, str, str]]:
        return [
            (flag.route, phrase, " " + " ".join(words(phrase)) + " ")
            for flag in self.intake.triage.red_flags
            for phrase in flag.phrases
        ]

    def find(self, text: str) -> list[RedFlagHit]:
        """Every phrase of the script that occurs in ``text``, in script order."""
        haystack = " " + " ".join(words(prose(text))) + " "
        return [RedFlagHit(route, phrase) for route, phrase, needle in self._patterns if needle in haystack]

    def routes(self) -> list[RedFlagRoute]:
        """Every route the script's red flags use, in script order, without repeats."""
        return list(dict.fromkeys(flag.route for flag in self.intake.triage.red_flags))


@dataclass(frozen=True)
class TriageBlock:
    """One urgent-routing block a page shows before anything else."""

    route: RedFlagRoute
    number: str
    """Number to call (``911``, ``988``, or the nurse line)."""
    headline: str
    wording: str
    phrases: tuple[str, ...]
    text_ok: bool = False
    """The number also takes text messages (988)."""


def triage_block(
    route: RedFlagRoute, intake: Intake | None, organization: Organization, phrases: list[str]
) -> TriageBlock:
    """The routing block for ``route``, with approved wording when the script has it."""
    approved = intake.approved_wording if intake else None
    if route is RedFlagRoute.EMERGENCY:
        emergency: str = organization.emergency_number
        return TriageBlock(
            route,
            emergency,
            f"Call {emergency} now if this could be an emergency",
            (approved.emergency if approved and approved.emergency else None)
            or f"Call {emergency} or go to the nearest emergency room. Do not wait for an appointment.",
            tuple(phrases),
        )
    if route is RedFlagRoute.CRISIS:
        line = organization.crisis_line
        how = "call or text" if line.text else "call"
        return TriageBlock(
            route,
            line.number,
            f"In a crisis? {how.capitalize()} {line.number} now",
            (approved.crisis if approved and approved.crisis else None)
            or f"If you are thinking about hurting yourself or someone else, {how} {line.number}, "
            f"the {line.name}. It is free and open 24 hours a day. If you are in danger right now, "
            f"call {organization.emergency_number}.",
            tuple(phrases),
            text_ok=line.text,
        )
    nurse = intake.triage.nurse_line if intake else None
    number: str = nurse or (intake.phone if intake else organization.phone)
    return TriageBlock(
        route,
        number,
        "Talk to a nurse today",
        (approved.nurse_line if approved and approved.nurse_line else None)
        or f"Call our nurse line at {number}. A nurse can tell you where to get care.",
        tuple(phrases),
    )


def pathway_phone(pathway: Pathway, intake: Intake) -> str:
    """The number to call to book ``pathway``."""
    return pathway.schedule.phone or intake.phone
