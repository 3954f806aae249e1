"""Weekly schedules with exceptions: "open now", "open at <time>", overlap checks, text form.

Rules, in the words a PIT operator would use:
- a slot (fascia) belongs to the day it starts: "ven 22:00-02:00" is Friday's slot and
  runs into Saturday night; "00:00-00:00" is the whole day;
- an exception covers whole days: on a closure day (holiday, closure) no slot starts;
  on a day with special hours, its hours replace that day's slots;
- times are local to Italy (Europe/Rome), whatever the time zone of the question.

The text form, used by imports, exports and the demo data:
"lun-ven 08:00-12:00, 14:00-18:00; sab 09:00-12:00; ven 22:00-02:00".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from itertools import pairwise
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

LOCAL = ZoneInfo("Europe/Rome")
GIORNI = ["lun", "mar", "mer", "gio", "ven", "sab", "dom"]
MINUTES_PER_DAY = 24 * 60
MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY
# The parts of a day people name ("aperto la sera", "sabato mattina"): the hours of the
# day they run from and to. The evening runs to midnight; the small hours are no part.
PARTI_DEL_GIORNO = {"mattina": (6, 13), "pomeriggio": (13, 18), "sera": (18, 24)}


@dataclass(frozen=True)
class Fascia:
    giorno: int  # 0 = Monday … 6 = Sunday
    apertura: time
    chiusura: time

    @property
    def durata(self) -> timedelta:
        minutes = (_minutes(self.chiusura) - _minutes(self.apertura)) % MINUTES_PER_DAY
        return timedelta(minutes=minutes or MINUTES_PER_DAY)

    def __str__(self) -> str:
        return f"{GIORNI[self.giorno]} {_slot(self)}"


@dataclass(frozen=True)
class Eccezione:
    data_inizio: date
    data_fine: date
    chiuso: bool = True
    apertura: time | None = None
    chiusura: time | None = None
    descrizione: str = ""

    def copre(self, day: date) -> bool:
        return self.data_inizio <= day <= self.data_fine


def _minutes(value: time) -> int:
    return value.hour * 60 + value.minute


def check_no_overlap(fasce: Iterable[Fascia]) -> None:
    """Raise ValidationError naming the two slots when any two of them overlap in the week."""
    spans = []
    for fascia in fasce:
        start = fascia.giorno * MINUTES_PER_DAY + _minutes(fascia.apertura)
        end = start + int(fascia.durata.total_seconds() // 60)
        spans.append((start, end, fascia))
        if end > MINUTES_PER_WEEK:  # Sunday night into Monday morning
            spans.append((start - MINUTES_PER_WEEK, end - MINUTES_PER_WEEK, fascia))
    spans.sort(key=lambda span: span[0])
    for (_s1, end1, first), (start2, _e2, second) in pairwise(spans):
        if start2 < end1 and first != second:
            raise ValidationError(
                _("Le fasce orarie «%(a)s» e «%(b)s» si sovrappongono.")
                % {"a": first, "b": second},
                code="overlap",
            )


def slots_of_day(fasce: Sequence[Fascia], eccezioni: Sequence[Eccezione], day: date):
    """(start, end) local naive datetimes of the slots that start on `day`."""
    override = next((e for e in eccezioni if e.copre(day)), None)
    if override is not None:
        if override.chiuso or override.apertura is None or override.chiusura is None:
            return []
        day_slots = [Fascia(day.weekday(), override.apertura, override.chiusura)]
    else:
        day_slots = [f for f in fasce if f.giorno == day.weekday()]
    return [
        (start, start + fascia.durata)
        for fascia in day_slots
        for start in [datetime.combine(day, fascia.apertura)]
    ]


def is_open_on(
    fasce: Sequence[Fascia], eccezioni: Sequence[Eccezione], day: date, parte: str | None = None
) -> bool:
    """Whether the schedule is open at some moment of `day`, or of its part `parte` (a key
    of PARTI_DEL_GIORNO): a slot that starts on it, or the night of the day before's that
    runs past midnight into it, meets the day or its part."""
    first, last = part_hours(parte)
    midnight = datetime.combine(day, time())
    start, end = midnight + timedelta(hours=first), midnight + timedelta(hours=last)
    return any(
        opens < end and closes > start
        for slots_day in (day - timedelta(days=1), day)
        for opens, closes in slots_of_day(fasce, eccezioni, slots_day)
    )


def is_open_in_part_of_week(fasce: Sequence[Fascia], parte: str) -> bool:
    """Whether the weekly slots meet the part `parte` of some day of the week ("aperto la
    sera": the evening of some day; exceptions are of dated days, not of the week)."""
    monday = date(2026, 12, 14)  # any week: the slots repeat
    return any(is_open_on(fasce, [], monday + timedelta(days=n), parte) for n in range(7))


def part_hours(parte: str | None) -> tuple[int, int]:
    """The hours a part of the day runs from and to; the whole day for None."""
    return (0, 24) if parte is None else PARTI_DEL_GIORNO[parte]


def is_open_at(fasce: Sequence[Fascia], eccezioni: Sequence[Eccezione], when: datetime) -> bool:
    """Whether the schedule is open at `when` (an aware datetime, or naive local time)."""
    local = when.astimezone(LOCAL).replace(tzinfo=None) if when.tzinfo else when
    for day in (local.date() - timedelta(days=1), local.date()):
        for start, end in slots_of_day(fasce, eccezioni, day):
            if start <= local < end:
                return True
    return False


_DAY = "|".join(GIORNI)
_DAYS_RE = re.compile(rf"^(?:{_DAY})(?:-(?:{_DAY}))?(?:,(?:{_DAY})(?:-(?:{_DAY}))?)*$")
_SLOT_RE = re.compile(r"^(\d{1,2})[:.](\d{2})\s*-\s*(\d{1,2})[:.](\d{2})$")


def parse_orario(text: str) -> list[Fascia]:
    """Parse the text form; raise ValidationError saying which part is wrong and why."""
    fasce: list[Fascia] = []
    for part in filter(None, (p.strip() for p in text.strip().split(";"))):
        days_text, _sep, slots_text = part.partition(" ")
        days_text = days_text.lower()
        if not _DAYS_RE.match(days_text) or not slots_text.strip():
            raise ValidationError(
                _(
                    "«%(part)s»: scrivi i giorni (lun, mar, mer, gio, ven, sab, dom; "
                    "intervalli come lun-ven) seguiti dagli orari, es. «lun-ven 09:00-12:00»."
                )
                % {"part": part},
                code="syntax",
            )
        days = _expand_days(days_text)
        for slot in (s.strip() for s in slots_text.split(",")):
            match = _SLOT_RE.match(slot)
            if not match:
                raise ValidationError(
                    _("«%(slot)s»: un orario si scrive come 09:00-12:30.") % {"slot": slot},
                    code="syntax",
                )
            h1, m1, h2, m2 = (int(g) for g in match.groups())
            if h1 > 23 or h2 > 24 or m1 > 59 or m2 > 59 or (h2 == 24 and m2):
                raise ValidationError(
                    _("«%(slot)s»: ora inesistente.") % {"slot": slot}, code="invalid_time"
                )
            apertura, chiusura = time(h1, m1), time(h2 % 24, m2)
            fasce.extend(Fascia(day, apertura, chiusura) for day in days)
    check_no_overlap(fasce)
    return fasce


def _expand_days(text: str) -> list[int]:
    days: list[int] = []
    for chunk in text.split(","):
        first, _sep, last = chunk.partition("-")
        start, end = GIORNI.index(first), GIORNI.index(last or first)
        if end < start:
            end += 7
        days.extend(day % 7 for day in range(start, end + 1))
    return days


def format_orario(fasce: Iterable[Fascia]) -> str:
    """The text form, one part per day, days in week order: parse_orario reads it back."""
    by_day: dict[int, list[Fascia]] = {}
    for fascia in sorted(fasce, key=lambda f: (f.giorno, f.apertura)):
        by_day.setdefault(fascia.giorno, []).append(fascia)
    return "; ".join(
        f"{GIORNI[day]} " + ", ".join(map(_slot, slots)) for day, slots in by_day.items()
    )


def _slot(fascia: Fascia) -> str:
    return f"{_hh_mm(fascia.apertura)}-{_hh_mm(fascia.chiusura)}"


# Hours are few (the quarters of a day, mostly), and formatting one with strftime was
# half of writing a service in the CSV export: a million services have 5.9 million.
@lru_cache(maxsize=4096)
def _hh_mm(moment: time) -> str:
    return f"{moment:%H:%M}"
