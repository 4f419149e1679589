"""Write the FICTIONAL demo exports of Riverbend Health, a fictional provider.

    .venv/bin/python demo-data/make_demo_data.py [OUT_DIR]     (default: demo-data/)

Every row is made up by a seeded random generator: no real patient, lead or appointment is
in them, and each file's first line says so (a ``#`` comment, which ``carewheel report`` and
``carewheel gaps`` skip). The same seed always writes the same bytes; a test checks that the
committed files are what this script writes.

- ``leads.csv``: a CRM export (lead_id, received_at, tracking_id, variant, channel,
  service_line) of about 300 leads for the five demo campaigns that have run, with their
  real tracking ids, variants (by weight) and channels, read from ``campaigns/*.yml``. Leads
  arrive only while a campaign runs, up to the day before the demo's today (2026-11-28):
  the expired summer campaign over its last 8 weeks, the live ones since they started.
- ``appointments.csv``: the scheduling export (lead_id, tracking_id, booked_at, status,
  first_contact_at, follow_up_completed). About 40% of leads book and 80% of kept-or-missed
  appointments are kept; response times are mostly hours with a long tail. A contacted lead
  that did not book has a row with an empty status. Messy on purpose: one duplicate row, one
  unknown tracking id, one phone booking without a lead id, and one date in US format.
- ``questions.csv``: about 60 questions patients asked intake (asked_at, service_line,
  question); some are answered by demo pages, some are not.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = 20261128
TODAY = dt.date(2026, 11, 28)
HEADER = (
    "# FICTIONAL demo data: Riverbend Health is a fictional provider and no row is a real person. "
    "Written by demo-data/make_demo_data.py."
)

# tracking id: (first day, last day, leads per weekday, trend over the window, median response in
# hours, booking rate of a quick response, booking bonus of variant b, typical wait in days)
CAMPAIGNS = {
    "cmp-0001": (dt.date(2026, 11, 1), dt.date(2026, 11, 27), 3.2, 1.4, 2.5, 0.46, 0.08, (7, 14)),
    "cmp-0002": (dt.date(2026, 11, 15), dt.date(2026, 11, 27), 3.0, 1.0, 6.0, 0.5, 0.05, (7, 21)),
    "cmp-0003": (dt.date(2026, 11, 1), dt.date(2026, 11, 27), 2.1, 1.2, 4.0, 0.44, 0.0, (7, 14)),
    "cmp-0004": (dt.date(2026, 11, 20), dt.date(2026, 11, 27), 3.0, 1.0, 8.0, 0.38, -0.05, (14, 21)),
    "cmp-0005": (dt.date(2026, 7, 6), dt.date(2026, 8, 30), 1.7, 0.8, 5.0, 0.44, 0.0, (7, 21)),
}
WEEKDAY = (1.1, 1.1, 1.0, 1.0, 0.9, 0.6, 0.5)
"""Leads by day of the week, Monday first."""

ANSWERED = {
    "cardiology": [
        "Can stress cause chest pains?",
        "How do I know if my chest pain is my heart or just my stomach?",
        "Is chest pain different in women?",
        "What happens at the first visit with a cardiologist?",
        "When is chest pain an emergency?",
        "Do I need a referral for a stress test?",
        "How should I prepare for my stress test?",
        "What does an ECG show?",
        "What is angina?",
    ],
    "primary-care": [
        "Do I have to fast before my blood work?",
        "How often should adults get a checkup?",
        "What should I bring to my physical?",
        "What happens at a yearly physical?",
        "When is a fever too high for an adult?",
        "Can I have a video visit when I am sick?",
        "Should I go to the ER or book a sick visit?",
        "Which screening tests do adults need at my age?",
    ],
    "behavioral-health": [
        "Can I have counseling by video?",
        "Do I need a referral for counseling?",
        "Is what I say to my counselor kept private?",
        "What happens at my first counseling visit?",
        "What is the difference between a psychologist and a psychiatrist?",
    ],
}
UNANSWERED = {
    "cardiology": [
        "Can I exercise after a heart attack?",
        "Is it safe to exercise with heart failure?",
        "How much exercise is safe for my heart?",
        "How do I get my heart test results?",
        "When will I get my heart test results?",
    ],
    "primary-care": [
        "Do you give flu shots?",
        "Can I get a flu shot without an appointment?",
        "Where can I get my flu shot?",
        "Are flu shots free with insurance?",
        "Can I get a sports physical for my son?",
        "Do you do sports physicals for school?",
        "How do I refill my prescription?",
        "Can I get a prescription refill without a visit?",
    ],
    "behavioral-health": [
        "How much does counseling cost without insurance?",
        "What does counseling cost if I pay myself?",
        "Can my teen see a counselor?",
        "Do you offer counseling for a teen?",
        "Do you have evening appointments?",
    ],
    "": [
        "Where do I park?",
        "Is there parking at the clinic?",
        "How do I get my medical records?",
    ],
}
ASKED_AGAIN = {
    "Do you give flu shots?": 3,
    "Can I exercise after a heart attack?": 2,
    "How much does counseling cost without insurance?": 2,
    "Do I have to fast before my blood work?": 2,
    "Where do I park?": 2,
    "What is angina?": 1,
    "Can I get a flu shot without an appointment?": 1,
    "Is chest pain different in women?": 1,
    "Do you have evening appointments?": 1,
    "How do I refill my prescription?": 1,
    "Can I have counseling by video?": 1,
}
"""Questions asked more than once, and how many extra times."""


def campaign_details() -> dict[str, tuple[str, dict[str, int], list[str]]]:
    """Service line, variant weights and channel keys of each demo campaign, from the project."""
    sys.path.insert(0, str(ROOT))
    from generator.content import load_site
    from generator.project import load_project

    site = load_site(load_project(ROOT / "mkdocs.yml"))
    out = {}
    for source in site.campaigns.values():
        c = source.campaign
        out[c.tracking_id] = (
            c.service_line,
            {vid: v.weight for vid, v in c.variants.items()},
            [channel.key for channel in c.channels],
        )
    return out


def offset(day: dt.date) -> dt.timezone:
    """Riverbend's clock: UTC-4 in summer, UTC-5 from November."""
    return dt.timezone(dt.timedelta(hours=-4 if 3 < day.month < 11 else -5))


def stamp(moment: dt.datetime) -> str:
    """ISO 8601 with the offset, to the minute."""
    return moment.isoformat(timespec="minutes")


def csv_text(fields: list[str], rows: list[list[str]]) -> str:
    """The file: the fictional-data comment, the header, the rows."""
    out = io.StringIO()
    out.write(HEADER + "\n")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(fields)
    writer.writerows(rows)
    return out.getvalue()


def make_leads(rng: random.Random) -> list[tuple[str, dt.datetime, str, str, str, str]]:
    """(lead id, received, tracking id, variant, channel, service line), in the order received."""
    details = campaign_details()
    leads = []
    for tracking_id, (first, last, per_day, trend, *_) in CAMPAIGNS.items():
        line, variants, channels = details[tracking_id]
        days = (last - first).days + 1
        for i in range(days):
            day = first + dt.timedelta(days=i)
            expected = per_day * WEEKDAY[day.weekday()] * (1 + (trend - 1) * i / max(days - 1, 1))
            count = sum(rng.random() < expected / 8 for _ in range(8))
            for _ in range(count):
                clock = dt.time(rng.randint(7, 21), rng.randint(0, 59))
                moment = dt.datetime.combine(day, clock, offset(day))
                variant = rng.choices(list(variants), weights=list(variants.values()))[0]
                weights = [2 if j == 0 else 1 for j in range(len(channels))]
                channel = rng.choices(channels, weights=weights)[0]
                leads.append((moment, tracking_id, variant, channel, line))
    leads.sort(key=lambda lead: (lead[0], lead[1]))
    return [(f"demo-{n:04d}", *lead) for n, lead in enumerate(leads, start=1)]


def make_appointments(
    rng: random.Random, leads: list[tuple[str, dt.datetime, str, str, str, str]]
) -> list[list[str]]:
    """One row per contacted lead: its first contact and, if it booked, the appointment."""
    rows: list[tuple[dt.datetime, list[str]]] = []
    for lead_id, received, tracking_id, variant, _, _ in leads:
        *_, median, book_rate, b_bonus, wait = CAMPAIGNS[tracking_id]
        if rng.random() < 0.06:
            continue  # never reached
        hours = rng.lognormvariate(math.log(median), 1.0)
        if rng.random() < 0.05:
            hours += rng.uniform(48, 120)  # lost in the queue for days
        contact = received + dt.timedelta(hours=hours)
        chance = (book_rate + (b_bonus if variant == "b" else 0)) * (
            1.1 if hours < 2 else 0.95 if hours < 24 else 0.5
        )
        if rng.random() >= chance:
            rows.append((contact, [lead_id, tracking_id, "", "", stamp(contact), ""]))
            continue
        later = rng.random() < 0.3
        booked = contact + dt.timedelta(hours=rng.uniform(1, 72) if later else rng.uniform(0, 0.5))
        visit = booked.date() + dt.timedelta(days=rng.randint(*wait))
        follow_up = ""
        if visit >= TODAY:
            status = "booked"
        elif rng.random() < 0.07:
            status = "cancelled"
        elif rng.random() < 0.2:
            status = "no-show"
            follow_up = "yes" if rng.random() < 0.7 else "no"
        else:
            status = "attended"
            follow_up = "yes" if rng.random() < 0.88 else "no"
        rows.append((contact, [lead_id, tracking_id, stamp(booked), status, stamp(contact), follow_up]))
    rows.sort(key=lambda row: (row[0], row[1][0]))
    out = [row for _, row in rows]
    # Messy on purpose, as real exports are:
    duplicate = next(i for i, row in enumerate(out) if row[3] == "attended")
    out.insert(duplicate + 1, list(out[duplicate]))  # the same row exported twice
    late = next(i for i, row in enumerate(out) if row[4] >= "2026-11-09" and row[3] == "attended")
    moment = dt.datetime.fromisoformat(out[late][4]).astimezone(dt.UTC)
    out[late][4] = moment.strftime("%m/%d/%Y %H:%M")  # US format, in UTC (no zone given)
    out.append(["", "cmp-0099", "2026-11-18T10:20-05:00", "attended", "2026-11-18T10:05-05:00", "yes"])
    out.append(["", "cmp-0001", "2026-11-19T15:40-05:00", "attended", "2026-11-19T15:30-05:00", "yes"])
    return out


def make_questions(rng: random.Random) -> list[list[str]]:
    """Questions asked at intake over the 8 weeks before the demo's today."""
    first = TODAY - dt.timedelta(weeks=8)
    asked = []
    for groups in (ANSWERED, UNANSWERED):
        for line, questions in groups.items():
            for question in questions:
                for _ in range(1 + ASKED_AGAIN.get(question, 0)):
                    day = first + dt.timedelta(days=rng.randrange(56))
                    moment = dt.datetime.combine(day, dt.time(rng.randint(8, 17), rng.randint(0, 59)))
                    asked.append((moment, line, question))
    asked.sort()
    return [[moment.strftime("%Y-%m-%d %H:%M"), line, question] for moment, line, question in asked]


def main(out_dir: Path) -> list[Path]:
    """Write the three files into ``out_dir``."""
    rng = random.Random(SEED)
    leads = make_leads(rng)
    appointments = make_appointments(rng, leads)
    questions = make_questions(rng)
    files = {
        "leads.csv": csv_text(
            ["lead_id", "received_at", "tracking_id", "variant", "channel", "service_line"],
            [[lead_id, stamp(received), *rest] for lead_id, received, *rest in leads],
        ),
        "appointments.csv": csv_text(
            ["lead_id", "tracking_id", "booked_at", "status", "first_contact_at", "follow_up_completed"],
            appointments,
        ),
        "questions.csv": csv_text(["asked_at", "service_line", "question"], questions),
    }
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in files.items():
        (out_dir / name).write_text(text, "utf-8", newline="\n")
        written.append(out_dir / name)
    return written


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent
    for path in main(target):
        print(f"Wrote {path}")
