"""Relative and explicit dates in Arabic, resolved against the item's publication date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from itertools import compress, count

from workers.extract.text import Memo, Tokens, clitic_variants, fold

# Python: Monday = 0
_WEEKDAYS = {"الاثنين": 0, "الثلاثاء": 1, "الاربعاء": 2, "الخميس": 3, "الجمعه": 4, "السبت": 5, "الاحد": 6}
_MONTHS = {
    "يناير": 1,
    "كانون الثاني": 1,
    "فبراير": 2,
    "شباط": 2,
    "مارس": 3,
    "اذار": 3,
    "ابريل": 4,
    "نيسان": 4,
    "مايو": 5,
    "ايار": 5,
    "يونيو": 6,
    "حزيران": 6,
    "يوليو": 7,
    "تموز": 7,
    "اغسطس": 8,
    "اب": 8,
    "سبتمبر": 9,
    "ايلول": 9,
    "اكتوبر": 10,
    "تشرين الاول": 10,
    "نوفمبر": 11,
    "تشرين الثاني": 11,
    "ديسمبر": 12,
    "كانون الاول": 12,
}


@dataclass(frozen=True)
class DateMention:
    date: date
    precision: str  # day | week | month
    start_token: int
    end_token: int
    confidence: float


_DATE_STEMS = frozenset((*_WEEKDAYS, "اليوم", "امس", "الاسبوع", "الشهر", "اول", "الليله", "ليله"))
_DATES_MEMO_LIMIT = 100_000


def _date_stem(tok: str) -> str:
    """The date word a token is under a proclitic, else the token itself."""
    return next((s for s, _a, _p in clitic_variants(tok) if s in _DATE_STEMS), tok)


_stem = Memo(_date_stem, _DATES_MEMO_LIMIT).__getitem__  # find_dates asks for every word


_YEAR_WORDS = frozenset({"عام", "العام", "سنه", "لعام"})
_MAX_MONTH_WORDS = 4  # a month, its other name (one or two words) and «عام» before the year


# words of month names: a year right after one is no count of people («تشرين 2015»)
MONTH_WORDS = frozenset(w for name in _MONTHS for w in name.split())


FUTURE_DAYS = 31  # a day of a month up to this long after publication, with no year, is still to come
FIRST_YEAR, LAST_YEAR = 1900, 2100  # a four-digit number in this range is a year («عام 2015», «5 يناير 2017»)


def is_year(token: str) -> bool:
    """A year written as a number («2015»), not a count of people («في 2015 دعا», «20 طالباً»)."""
    return len(token) == 4 and token.isdecimal() and FIRST_YEAR <= int(token) <= LAST_YEAR


def is_future(mention: DateMention, published: date | None) -> bool:
    """Is the date after the publication day (a day to come, which dates no event that happened)?"""
    return published is not None and mention.date > published + timedelta(days=1)


def _weekday_on_or_before(ref: date, weekday: int) -> date:
    return ref - timedelta(days=(ref.weekday() - weekday) % 7)


def _weekday_after(ref: date, weekday: int) -> date:
    return ref + timedelta(days=(weekday - ref.weekday()) % 7 or 7)


# after a weekday: «المقبل», «القادم» (next), or «سوف» or a common future verb («سيكون», «ستشهد»)
# within TO_COME_GAP words. Read as the last such day, a court's «أن الأحد سيكون أول أيام الشهر» on a
# news page dated its article six days back, and with it every sentence of the article that gives no
# date of its own. Only listed verbs: a «سـ» word is as often «سيطرت», «سيناء»
_TO_COME_WORDS = frozenset(
    fold(w)
    for w in ["المقبل", "المقبلة", "القادم", "القادمة", "سوف", "سيكون", "ستكون", "سيتم", "ستتم", "سيشهد",
              "ستشهد", "سيبدأ", "ستبدأ", "سيعقد", "ستعقد", "سينطلق", "ستنطلق"]
)
TO_COME_GAP = 2


def _to_come(words: list[str], start: int) -> bool:
    return any(w in _TO_COME_WORDS for w in words[start : start + TO_COME_GAP])


# «قبل يومين», «قبل ثلاثة أيام», «قبل أسبوع»: so long before publication (days, precision)
_AGO = "قبل"
_AGO_SPANS = {"يوم": (1, "day"), "يومين": (2, "day"), "اسبوع": (7, "week"), "اسبوعين": (14, "week")}
_DAY_COUNTS = {"ثلاثه": 3, "اربعه": 4, "خمسه": 5, "سته": 6, "سبعه": 7, "ثمانيه": 8, "تسعه": 9, "عشره": 10}
_DAYS = "ايام"
MAX_DAYS_AGO = 10  # «قبل 3 أيام»: beyond this a count of days is no longer a way of dating an event


def find_dates(tokens: Tokens, published: date | None) -> list[DateMention]:
    if published is None:
        return []
    out: list[DateMention] = []
    # Only a date word or a short number can start a date: jump from one to the next instead of
    # testing every word against every case below (this loop was a twentieth of extraction). A
    # sentence with none is done: this memoized test per word is the early exit (a regex of date
    # hints over the joined words, scanned before it, took as long as the rest of find_dates).
    starts = list(compress(count(), map(_STARTS_DATE.__getitem__, tokens.words)))
    if not starts:
        return out
    words = list(map(_stem, tokens.words))
    i = 0
    for at in starts:
        if at < i:
            continue  # inside a date found just before
        i = at
        w = words[i]
        nxt = words[i + 1] if i + 1 < len(words) else ""
        ordinal = _ordinal_day(tokens.words, i)
        if ordinal is not None:
            day, span = ordinal
            # «السادس من نيسان»: the month after «من»
            if i + span < len(words) and tokens.words[i + span] == _OF:
                mention = _day_of_month(tokens.words, i, day, i + span + 1, published)
                if mention is not None:
                    out.append(mention)
                    i = mention.end_token
                    continue
        if w == "اليوم":
            if nxt in _WEEKDAYS:
                out.append(
                    DateMention(_weekday_on_or_before(published, _WEEKDAYS[nxt]), "day", i, i + 2, 0.95)
                )
                i += 2
                continue
            out.append(DateMention(published, "day", i, i + 1, 0.85))
        elif w in ("امس", "اول") and (w == "امس" or nxt == "امس"):
            back = 2 if w == "اول" else 1
            span = 2 if w == "اول" else 1
            target = published - timedelta(days=back)
            after = words[i + span] if i + span < len(words) else ""
            if after in _WEEKDAYS:
                span += 1
            out.append(DateMention(target, "day", i, i + span, 0.95 if after in _WEEKDAYS else 0.9))
            i += span
            continue
        elif w in _WEEKDAYS and (i == 0 or words[i - 1] not in ("اليوم", "امس")):
            # a bare weekday: the most recent such day up to the publication date, or the next one
            # where the words after it say it is to come («الأحد المقبل», «أن الأحد سيكون»)
            if _to_come(tokens.words, i + 1):
                day = _weekday_after(published, _WEEKDAYS[w])
            else:
                day = _weekday_on_or_before(published, _WEEKDAYS[w])
            out.append(DateMention(day, "day", i, i + 1, 0.75))
        elif w == _AGO and (nxt in _AGO_SPANS or (i + 2 < len(words) and words[i + 2] == _DAYS)):
            if nxt in _AGO_SPANS:
                days, precision, span = *_AGO_SPANS[nxt], 2
            else:
                days = int(nxt) if nxt.isdecimal() else _DAY_COUNTS.get(nxt, 0)
                precision, span = "day", 3
            if 1 <= days <= MAX_DAYS_AGO or precision == "week":
                out.append(DateMention(published - timedelta(days=days), precision, i, i + span, 0.8))
                i += span
                continue
        elif w in ("الاسبوع", "الشهر") and nxt in ("الماضي", "المنصرم"):
            days = 7 if w == "الاسبوع" else 30
            out.append(
                DateMention(published - timedelta(days=days), "week" if days == 7 else "month", i, i + 2, 0.6)
            )
            i += 2
            continue
        elif len(w) <= 2 and w.isdecimal() and i + 1 < len(words):
            mention = _day_of_month(tokens.words, i, int(w), i + 1, published)
            if mention is not None:
                out.append(mention)
        i += 1
    return out


def _day_of_month(words: list[str], start: int, day: int, at: int, published: date) -> DateMention | None:
    """«5 يناير (2017)», «السادس من نيسان/أبريل»: `day` of the month named at word `at` (with its
    other name, «عام» and a year after it), the date span starting at word `start`."""
    if not 1 <= day <= 31 or at >= len(words):
        return None
    nxt = words[at]
    month = _MONTHS.get(nxt) or _MONTHS.get(f"{nxt} {words[at + 1]}" if at + 1 < len(words) else "")
    if not month:
        return None
    # «5 يناير 2017»: a year written after the month is the year (a background event)
    month_words = 1 if _MONTHS.get(nxt) else 2
    # past the month's other name and «عام»: «6 سبتمبر/ أيلول عام 1997»
    while at + month_words < len(words) and month_words < _MAX_MONTH_WORDS:
        k = at + month_words
        if words[k] in _MONTHS or words[k] in _YEAR_WORDS:
            month_words += 1
        elif k + 1 < len(words) and f"{words[k]} {words[k + 1]}" in _MONTHS:
            month_words += 2
        else:
            break
    after = words[at + month_words] if at + month_words < len(words) else ""
    year = int(after) if is_year(after) else None
    try:
        if year is not None:
            return DateMention(date(year, month, day), "day", start, at + month_words + 1, 0.9)
        d = date(published.year, month, day)
        if d > published + timedelta(days=FUTURE_DAYS):
            d = date(published.year - 1, month, day)
        # a day a few days after publication is a coming one («اجتماع للحلف يوم 15 أبريل الحالي»,
        # «الاقتراع في 12 أيار»), not the same day a year ago: it dates no event (is_future)
        return DateMention(d, "day", start, at + 1, 0.9)
    except ValueError:
        return None


# «في السادس من نيسان/أبريل», «الحادي والعشرين من مارس»: a day of the month written as an ordinal
_UNITS = ["الاول", "الثاني", "الثالث", "الرابع", "الخامس", "السادس", "السابع", "الثامن", "التاسع"]
_TEEN_UNITS = ["الحادي", "الثاني", "الثالث", "الرابع", "الخامس", "السادس", "السابع", "الثامن", "التاسع"]
_ORDINAL_DAYS: dict[str, int] = {
    **{w: n for n, w in enumerate(_UNITS, 1)},
    "العاشر": 10,
    **{f"{w} عشر": n for n, w in enumerate(_TEEN_UNITS, 11)},
    "العشرين": 20,
    **{f"{w} والعشرين": n for n, w in enumerate(_TEEN_UNITS, 21)},
    "الثلاثين": 30,
    "الحادي والثلاثين": 31,
}
_OF = "من"


def _ordinal_day(words: list[str], i: int) -> tuple[int, int] | None:
    """(day, words) of an ordinal day of the month starting at word i («السادس», «الثاني عشر»)."""
    for n in (2, 1):
        day = _ORDINAL_DAYS.get(" ".join(words[i : i + n]))
        if day is not None and i + n <= len(words):
            return day, n
    return None


_ORDINAL_FIRST_WORDS = tuple(dict.fromkeys(w.split()[0] for w in _ORDINAL_DAYS))

# the words the cases of find_dates start with (after _stem)
_DATE_WORDS = frozenset(["اليوم", "امس", "اول", "الاسبوع", "الشهر", _AGO, *_WEEKDAYS, *_ORDINAL_FIRST_WORDS])


def _starts_date(tok: str) -> bool:
    """Whether a date may start at this token."""
    w = _stem(tok)
    return w in _DATE_WORDS or (len(w) <= 2 and w.isdecimal())


_STARTS_DATE = Memo(_starts_date, _DATES_MEMO_LIMIT)  # one dict lookup per token
