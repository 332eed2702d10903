"""Actors the way ACLED names them, generated from a country table rather than listed one by one.

Why: the hand-made catalogue knew 28 parties; on sentences from outside the 2018 news 39% of the
parties named had no actor record (no Saudi or other Gulf force, no army outside that news). Here
every country of CLDR's Arabic territory list (babel) gets its
- military forces («الجيش السعودي», «القوات الإماراتية», «الدفاع الجوي السعودي», «حرس الحدود
  السعودي», «الحرس الوطني ...», «سلاح الجو ...», «الطائرات ...»): "Military Forces of Saudi Arabia",
- police and security forces («الشرطة المصرية», «قوات الأمن العراقية», «الأجهزة الأمنية ...»):
  "Police Forces of Egypt",
- government («الحكومة اليمنية», «حكومة اليمن»): "Government of Yemen",
all ACLED interaction code 1, from the country's nisba adjective in its inflections (masculine
«السعودي», feminine «السعودية», plural «السعوديين», with and without the article). The nisba comes from
a rule (strip ال and a final ا / ة / يا, add ي: سوريا → سوري, مصر → مصري) with the exceptions in
data/countries_ar.json (أمريكي, إماراتي, ...).

Generic mentions take their country from the event («القوات الأمنية» in an event in Egypt is
"Police Forces of Egypt"; a bare «التحالف» is the Saudi-led coalition in Yemen and Saudi Arabia, the
US-led one elsewhere), and ACLED's generic actors do too: "Unidentified Armed Group (Yemen)" (3),
"Rioters (Yemen)" (5), "Protesters (Yemen)" (6), "Civilians (Yemen)" (7). Without a country they keep
the catalogue's country-less ids (POLICE, CIVILIANS, PROTESTERS, ...), so old ids keep working.

Named groups (rebels, militias, identity militias, coalitions) are in data/actors.json; an entry
there with the same name as a generated actor («Military Forces of Syria», id SYR-GOV) gives it its
id and extra aliases, so ids the dedup stage has already stored stay the same.

A nisba joined by «و» to a state force's phrase names the same force of that country too
(`coordinated_force`: «الطائرات الحربية السورية والروسية» is Syria's and Russia's military).

Size: 886 actors and 15,431 Arabic phrases (199 countries × military / police / government /
civilians, 93 catalogued, 8 generic roles); the actor index builds in about 1 s.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from functools import cache

from babel import Locale

from workers.extract.lexicon import Actor, load_lexicon
from workers.extract.text import fold
from workers.geo import countries_table

# ACLED interaction codes
STATE, REBELS, POLITICAL_MILITIA, IDENTITY_MILITIA, RIOTERS, PROTESTERS, CIVILIANS, EXTERNAL = range(1, 9)


@dataclass(frozen=True)
class ActorSpec:
    id: str
    name: str
    kind: str
    inter: int
    country: str | None
    ar: tuple[str, ...]
    en: tuple[str, ...] = ()
    context: str | None = None  # a generic role whose country comes from the event (see CONTEXT_ROLES)
    exact: tuple[
        str, ...
    ] = ()  # aliases matched only as written: «فلسطيني» names a person, «الفلسطيني» qualifies one

    def actor(self) -> Actor:
        return Actor(
            self.id,
            self.name,
            self.kind,
            self.country,
            self.ar[0] if self.ar else "",
            self.inter,
            self.context,
        )


@dataclass(frozen=True)
class ForceRole:
    """A kind of state force: its ACLED name pattern and the Arabic phrases naming it for a country.
    {m} / {f} / {p}: the nisba, masculine / feminine / plural, with the article; {fi} / {pi}: without it
    («قوات سعودية», «جنود سعوديين»); {c}: the country's name («حكومة اليمن»)."""

    key: str
    name: str
    patterns: tuple[str, ...]


FORCE_ROLES = (
    ForceRole(
        "MIL",
        "Military Forces of {en}",
        (
            "الجيش {m}",
            "القوات {f}",
            "القوات المسلحة {f}",
            "قوات الجيش {m}",
            "القوات الجوية {f}",
            "القوات البحرية {f}",
            "القوات البرية {f}",
            "البحرية {f}",
            "سلاح الجو {m}",
            "الطيران {m}",
            "الطيران الحربي {m}",
            "الطائرات {f}",
            "الطائرات الحربية {f}",
            "المقاتلات {f}",
            "الدفاع الجوي {m}",
            "الدفاعات الجوية {f}",
            "الدفاعات {f}",
            "المدفعية {f}",
            "حرس الحدود {m}",
            "قوات حرس الحدود {f}",
            "الحرس الوطني {m}",
            "قوات الحرس الوطني {f}",
            "الحرس الثوري {m}",
            "خفر السواحل {m}",
            "الاستخبارات العسكرية {f}",
            "الاستخبارات {f}",  # «الاستخبارات الروسية»: ACLED codes the GRU as the military
            "الجنود {p}",
            "جنود {pi}",
            "جنود {mi}ون",  # the nominative: «أطلق جنود إسرائيليون النار», not civilians «إسرائيليون»
            "جندي {mi}",
            "جنديا {mi}ا",
            "الجندي {m}",
            "ضابط {mi}",
            "ضباط {pi}",
            "عسكري {mi}",
            "عسكريين {pi}",
            "جنديان {mi}ان",  # the dual: «قتل جنديان تركيان»
            "جنديين {pi}",
            "قناص {mi}",  # «برصاص قناص إسرائيلي»: not a civilian «إسرائيلي»
            "قوة {fi}",  # «هجوم ضد قوة تركية»
            "دورية {fi}",
            "العسكريين {p}",
            "قوات {fi}",
            "طائرات {fi}",
            "طائرة {fi}",
            "مقاتلات {fi}",
            "مقاتلة {fi}",
            "طائرات حربية {fi}",
            "دبابات {fi}",
            "زوارق {fi}",
            "بوارج {fi}",
            "مدفعية {fi}",
            "غارات {fi}",
            "غارة {fi}",
            "ضربات {fi}",
            "ضربة {fi}",
            "الغارات {f}",
            "الضربات {f}",
            "قصف {mi}",
            "القصف {m}",
            "قصف مدفعي {mi}",  # «جراء قصف مدفعي إسرائيلي»: the kind before the nisba
            "قصف صاروخي {mi}",
            "قصف جوي {mi}",
            # a strike named with its kind before the nisba: «الغارات الجوية التركية»
            "الغارات الجوية {f}",
            "الغارة الجوية {f}",
            "الضربات الجوية {f}",
            "الضربة الجوية {f}",
            "الضربات الصاروخية {f}",
            "غارات جوية {fi}",
            "غارة جوية {fi}",
            "ضربات جوية {fi}",
            "القصف الجوي {m}",
            "القصف المدفعي {m}",
            "القصف الصاروخي {m}",
            "الهجوم {m}",  # «الهجوم التركي على عفرين»
            "هجوم {mi}",
            "جيش {c}",
        ),
    ),
    ForceRole(
        "POL",
        "Police Forces of {en}",
        (
            "الشرطة {f}",
            "قوات الشرطة {f}",
            "الأمن {m}",
            "قوات الأمن {f}",
            "القوات الأمنية {f}",
            "الأجهزة الأمنية {f}",
            "السلطات الأمنية {f}",
            "الأمن العام {m}",
            "الأمن الوطني {m}",
            "الشرطة العسكرية {f}",
            "المخابرات {f}",  # «المخابرات العامة الأردنية»: a security service, coded as police
            "المخابرات العامة {f}",
            # the construct state, the nisba on the whole phrase: «أجهزة الأمن الروسية»
            "أجهزة الأمن {f}",
            "جهاز الأمن {m}",
            "أجهزة المخابرات {f}",
            "جهاز المخابرات {m}",
            "رجال الأمن {p}",
            "شرطي {mi}",
            "شرطة {c}",
            "السلطات {f}",
        ),
    ),
    ForceRole("GOV", "Government of {en}", ("الحكومة {f}", "حكومة {c}")),
    ForceRole(
        "CIV",
        "Civilians ({display})",
        (
            "{mi}",
            "{pi}",
            "{mi}ا",
            "{mi}ون",
            "مواطن {mi}",
            "مواطنين {pi}",
            "مواطنا {mi}ا",
            "المواطنين {p}",
            "المدنيين {p}",
            "آلاف {p}",
            "مئات {p}",
            "عشرات {p}",
            "آلاف من {p}",
            "مئات من {p}",
            # a person named by role and nationality («الصحفي السعودي», «الجاسوس الروسي», «طالب
            # أمريكي») is a civilian of that country wherever the event is: ACLED's Civilians (Russia)
            # for an attack on a Russian in Britain
            "المواطن {m}",
            "الصحفي {m}",
            "صحفي {mi}",
            "الصحافي {m}",
            "صحافي {mi}",
            "الصحفية {f}",
            "الصحافية {f}",
            "الناشط {m}",
            "ناشط {mi}",
            "الناشطة {f}",
            "المدون {m}",
            "الكاتب {m}",
            "المعارض {m}",
            "الجاسوس {m}",
            "العميل {m}",
            "القس {m}",
            "الطالب {m}",
            "طالب {mi}",
            "الشاب {m}",
            "شاب {mi}",
            "الطفل {m}",
            "طفل {mi}",
            "السائح {m}",
            "سائح {mi}",
            "السياح {p}",
            "سياح {pi}",
            "العامل {m}",
            "عامل {mi}",
            "العمال {p}",
            "عمال {pi}",
        ),
    ),
)

# kind and ACLED code of generated roles other than armed state forces
ROLE_KINDS = {"GOV": ("government", STATE), "CIV": ("civilians", CIVILIANS)}  # a government is not armed

# Generic mentions: the actor is named only by its role; the event's country completes it.
CONTEXT_ROLES: dict[str, tuple[str, str, int, str, tuple[str, ...]]] = {
    # key: (id without a country, ACLED name pattern, inter, kind, Arabic phrases)
    "MIL": (
        "MILITARY",
        "Military Forces of {en}",
        STATE,
        "state",
        (
            "الجيش",
            "القوات الحكومية",
            "قوات الجيش",
            "القوات المسلحة",
            "قوات حكومية",
            "الجنود",
            "الطيران الحربي",
            "الطائرات الحربية",
            "المقاتلات الحربية",
            "طائرات حربية",
            "الدفاعات الجوية",
            "الدفاع الجوي",
            "حرس الحدود",
            "قوات حرس الحدود",
            "الحرس الوطني",
            "قوات الحرس الوطني",
            "القوات الخاصة",
            "قوات خاصة",
            "القوات الجوية",
            "سلاح الجو",
            "القوات البرية",
            "القوات البحرية",
            "القوات المشتركة",  # «القوات المشتركة» (Yemen's joint forces): 300+ times in the corpora
            "القوات الموالية",  # «القوات الموالية للرئيس هادي»: 659 times in the corpora (actor_candidates.py)
            "قوات موالية",
        ),
    ),
    "POL": (
        "POLICE",
        "Police Forces of {en}",
        STATE,
        "state",
        (
            "الشرطة",
            "قوات الأمن",
            "القوات الأمنية",
            "الأمن",
            "الأجهزة الأمنية",
            "قوات الشرطة",
            "رجال الأمن",
            "رجل أمن",
            "رجل الأمن",
            "أفراد الأمن",
            "شرطي",
            "الشرطي",
            "عناصر الأمن",
            "رجال الشرطة",
            "عناصر الشرطة",
            "قوات الطوارئ",
            "قوات الطوارئ الخاصة",
            "قوة الطوارئ",
            "قوات الطوارىء",  # the hamza on a dotless yā', as Saudi papers often write it
            "قوة الطوارىء",
            "شرطة مكافحة الشغب",
            "شرطة الشغب",
            "رجال شرطة",
            "عناصر شرطة",
            "أفراد الشرطة",
            "رجال أمن",
            "عناصر أمن",
            "قوات الدرك",
            "الدرك",
            "قوات مكافحة الشغب",
            "قوات مكافحة الإرهاب",
            "دورية أمنية",
            "دوريات أمنية",
            "السلطات الأمنية",
            "الجهات الأمنية",
            "قوات أمن",
            "قوات أمنية",
            "السلطات",
        ),
    ),
    "GOV": ("GOVERNMENT", "Government of {en}", STATE, "government", ("الحكومة",)),
    "COALITION": (
        "COALITION",
        "",
        EXTERNAL,
        "international",
        ("التحالف", "قوات التحالف", "طيران التحالف", "طائرات التحالف", "مقاتلات التحالف", "قوات تحالف"),
    ),
    "UAG": (
        "UNIDENTIFIED",
        "Unidentified Armed Group ({en})",
        POLITICAL_MILITIA,
        "nonstate",
        (
            "مسلحون",
            "مسلحين",
            "مسلحون مجهولون",
            "مسلحين مجهولين",
            "مجهولون",
            "مجهولين",
            "مسلح",
            "مسلح مجهول",
            "عناصر مسلحة",
            "جماعة مسلحة",
            "مجموعة مسلحة",
            "جماعات مسلحة",
            "مجموعات مسلحة",
            "رجال مسلحون",
            "عصابة مسلحة",
            "مسلحون ملثمون",
            "مسلحين ملثمين",
            "المسلحين",
            "المسلحون",
            # militants the report does not name («قتل متشددون ثلاثة جنود», «هاجمت العناصر الإرهابية
            # كمينا»): ACLED's unidentified armed group, as the gold sets read them («المهاجمين» is left
            # out: in the sports pages it is the strikers; «المتطرفين» too: the extremists of the right
            # and the left; «الإرهابيين» alone, state media's word for any opponent; «يهود متشددون»,
            # the ultra-Orthodox, are civilians below)
            "متشددون",
            "متشددين",
            "المتشددون",
            "المتشددين",
            "عناصر إرهابية",
            "العناصر الإرهابية",
            "جماعة إرهابية",
            "جماعات إرهابية",
            "الجماعات الإرهابية",
            "عناصر تكفيرية",
            "العناصر التكفيرية",
            "التكفيريين",
        ),
    ),
    "CIV": (
        "CIVILIANS",
        "Civilians ({en})",
        CIVILIANS,
        "civilians",
        (
            "مدنيين",
            "مدنيون",
            "يهود متشددون",
            "يهود متشددين",
            "اليهود المتشددون",
            "اليهود المتشددين",
            "المدنيين",
            "المدنيون",
            "مدني",
            "مدنيا",
            "أطفال",
            "الأطفال",
            "نساء وأطفال",
            "مواطنين",
            "المواطنين",
            "صيادين",
            "مزارعين",
            "أشخاص",
            "شخصا",
            "شخصين",
            "الأشخاص",
            "ناشطين",
            "الناشطين",
            "النشطاء",
            "ناشطا",
            "صحفيين",
            "الصحفيين",
            "صحفيا",
            "المارة",
            "السكان",
            # people by what they are, not by a fighting side (the victims a figure counts:
            # «50 ألف شخص», «30 رهينة», «المصلين»); not a lone «طفلة» or «امرأة», often the cause a
            # protest names rather than a party to it
            "شخص",
            "رهينة",
            "رهائن",
            "الرهائن",
            "طفلا",
            "أطفالا",
            "المصلين",
            "مصلين",
            "طلاب",
            "الطلاب",
            "عمال",
            "العمال",
            "مهاجرين",
            "المهاجرين",
            "لاجئين",
            "اللاجئين",
            "السياح",
            "سياح",
            "الركاب",
            "ركاب",
            "متسوقين",
            "المتسوقين",
            "زوار",
            "حجاج",
            "الحجاج",
        ),
    ),
    "PRO": (
        "PROTESTERS",
        "Protesters ({en})",
        PROTESTERS,
        "protesters",
        (
            "المحتجين",
            "المتظاهرين",
            "محتجين",
            "متظاهرين",
            "المحتجون",
            "المتظاهرون",
            "محتجون",
            "متظاهرون",
            "المعتصمين",
            "معتصمين",
            "متظاهر",  # counted: «أكثر من مائة متظاهر»
            "محتج",
            "متظاهرا",
            "محتجا",
        ),
    ),
    "RIO": (
        "RIOTERS",
        "Rioters ({en})",
        RIOTERS,
        "protesters",
        ("مثيري الشغب", "مثيرو الشغب", "المشاغبين", "مشاغبين", "المخربين"),
    ),
}
GENERIC_AR = {"UAG": "مسلحون مجهولون", "CIV": "مدنيون", "PRO": "متظاهرون", "RIO": "مثيرو الشغب"}
# actors.json `ar_at_home`: aliases that name an actor only in an event in its own country
HOME, HOME_SUFFIX = "HOME", "@home"
# Which coalition a bare «التحالف» is: the Saudi-led one in the countries of its war, else the US-led one.
SAUDI_COALITION_COUNTRIES = frozenset({"YE", "SA"})
SAUDI_COALITION, US_COALITION = "SAUDI-COALITION", "US-COALITION"


def _strip_article(word: str) -> str:
    return word[2:] if word.startswith("ال") and len(word) > 4 else word


def nisba(short_name: str) -> str:
    """The masculine nisba adjective of a one-word country name: سوريا → سوري, مصر → مصري,
    السعودية → سعودي, إيران → إيراني, مالي → مالي."""
    stem = _strip_article(short_name)
    if stem.endswith("ية"):
        return stem[:-1]
    if stem.endswith("يا"):
        return stem[:-1]
    if stem.endswith(("ة", "ا")):
        stem = stem[:-1]
    return stem if stem.endswith("ي") else stem + "ي"


def inflections(masculine: str) -> dict[str, str]:
    """The nisba's forms the patterns use; each word of a two-word nisba («كوري شمالي») inflects."""
    words = masculine.split()

    def each(suffix: str, article: bool) -> str:
        return " ".join(("ال" if article else "") + w + suffix for w in words)

    return {
        "m": each("", True),
        "f": each("ة", True),
        "p": each("ين", True),
        "fi": each("ة", False),
        "pi": each("ين", False),
        "mi": each("", False),
    }


@dataclass(frozen=True)
class Country:
    code: str
    en: str  # as ACLED writes it in actor names ("the United States")
    display: str  # as it stands in brackets ("United States")
    names_ar: tuple[str, ...]
    nisbas: tuple[str, ...]
    plurals: tuple[str, ...] = ()  # broken plurals of the nisba («روس», «أتراك»)


@cache
def countries() -> dict[str, Country]:
    """Every country with forces of its own: CLDR Arabic name, short names and nisba forms."""
    data = load_lexicon("countries_ar.json")
    overrides, skip = data["overrides"], set(data["skip"])
    ar, en = Locale("ar").territories, Locale("en").territories
    out: dict[str, Country] = {}
    for code, info in countries_table().items():
        name_ar = ar.get(code)
        if code in skip or not name_ar:
            continue
        spec = overrides.get(code, {})
        display = spec.get("en") or str(info["name"]) or en.get(code, code)
        names = tuple(dict.fromkeys([name_ar, *spec.get("short", [])]))
        if "nisba" in spec:
            nisbas = tuple(spec["nisba"])
        else:
            nisbas = () if " " in name_ar or "(" in name_ar or "-" in name_ar else (nisba(name_ar),)
        plurals = tuple(spec.get("plural", ()))
        out[code] = Country(code, display, display.removeprefix("the "), names, nisbas, plurals)
    return out


def _phrases(patterns: tuple[str, ...], country: Country) -> list[str]:
    out: list[str] = []
    for pattern in patterns:
        if "{c}" in pattern:
            out += [pattern.format(c=name) for name in country.names_ar]
            continue
        for masculine in country.nisbas:
            phrase = pattern.format(**inflections(masculine))
            if "{mi}ا" in pattern and (" " in masculine or phrase.split()[-1] in country.names_ar):
                continue  # the accusative fits one-word nisbas, and «بريطانيا» is the country
            if phrase in country.names_ar:
                continue  # «جيبوتي», «مالي», «تشيلي»: the country itself, not one of its people
            out.append(phrase)
        if _PLURAL_SLOTS.issuperset(_placeholders(pattern)):  # «الجنود {p}»: «الجنود الروس» too
            out += [pattern.format(p=f"ال{plural}", pi=plural) for plural in country.plurals]
    return out


_PLURAL_SLOTS = frozenset({"p", "pi"})


def _placeholders(pattern: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(pattern) if name}


@cache
def catalogue() -> dict[str, ActorSpec]:
    """All actors by id: generated state forces, the named catalogue (data/actors.json), and the
    country-less generic roles. A catalogue entry named like a generated actor takes it over."""
    named = load_lexicon("actors.json")["actors"]
    by_name = {spec["name"]: spec for spec in named}
    out: dict[str, ActorSpec] = {}
    for country in countries().values():
        for role in FORCE_ROLES:
            name = role.name.format(en=country.en, display=country.display)
            legacy = by_name.get(name)
            ar = _phrases(role.patterns, country) + (legacy["ar"] if legacy else [])
            spec_id = legacy["id"] if legacy else f"{role.key}-{country.code}"
            kind, inter = ROLE_KINDS.get(role.key, ("state", STATE))
            exact = tuple(a for a in ar if role.key == "CIV" and " " not in a)
            ar = [a for a in ar if a not in exact]
            out[spec_id] = ActorSpec(
                spec_id, name, kind, inter, country.code, tuple(dict.fromkeys(ar)), (), None, exact
            )
    for spec in named:
        if spec.get("ar_at_home"):
            # «المقاومة» is Yemen's Popular Resistance in a Yemeni event only: matched apart, with no
            # country of its own (it must not place the event), resolved by `in_country`
            home_id = spec["id"] + HOME_SUFFIX
            out[home_id] = ActorSpec(
                home_id,
                spec["name"],
                spec["kind"],
                spec.get("inter", EXTERNAL),
                None,
                tuple(spec["ar_at_home"]),
                (),
                HOME,
            )
        if spec["id"] in out:
            continue
        out[spec["id"]] = ActorSpec(
            spec["id"],
            spec["name"],
            spec["kind"],
            spec.get("inter", EXTERNAL),
            spec.get("country"),
            tuple(spec["ar"]),
            tuple(spec.get("en", ())),
        )
    for key, (bare_id, pattern, inter, kind, phrases) in CONTEXT_ROLES.items():
        name = pattern.replace(" of {en}", "").replace(" ({en})", "") if pattern else "Coalition"
        base = out.get(bare_id)
        if base is not None:  # POLICE, CIVILIANS, PROTESTERS: the old country-less ids
            out[bare_id] = ActorSpec(bare_id, base.name, kind, inter, None, phrases, base.en, key)
        else:
            out[bare_id] = ActorSpec(bare_id, name, kind, inter, None, phrases, (), key)
    return out


@cache
def _by_name() -> dict[str, ActorSpec]:
    return {spec.name: spec for spec in catalogue().values() if spec.context is None}


# Places whose «الجيش» is another country's: Palestine has no army, the one in Gaza and the West
# Bank is Israel's («أكد الجيش ... على حدود قطاع غزة»)
ARMY_IN = {"PS": "IL"}


@cache
def in_country(
    actor: Actor, country_code: str | None, countries_named: frozenset[str] = frozenset()
) -> Actor:
    """A generic mention made specific by the event's country: «القوات الأمنية» in Egypt is
    "Police Forces of Egypt"; a bare «التحالف» the Saudi-led coalition in Yemen. Other actors, and
    generic ones with no country to go by, are returned as they are."""
    if not actor.context:
        return actor
    if actor.context == HOME:  # an alias of one country's actor: that actor in its country, else nobody
        home = catalogue()[actor.id.removesuffix(HOME_SUFFIX)]
        return home.actor() if country_code and country_code == home.country else actor
    if actor.context == "COALITION":
        where = ({country_code} if country_code else set()) | set(countries_named)
        coalition = SAUDI_COALITION if where & SAUDI_COALITION_COUNTRIES else US_COALITION
        return catalogue()[coalition].actor() if where else actor
    if actor.context == "MIL":
        country_code = ARMY_IN.get(country_code or "", country_code)
    country = countries().get(country_code or "")
    if country is None:
        return actor
    _bare_id, pattern, inter, kind, _ = CONTEXT_ROLES[actor.context]
    name = pattern.format(en=country.en if " of " in pattern else country.display)
    known = _by_name().get(name)
    if known is not None:  # Police Forces of Egypt: the generated actor, its id and Arabic name
        return known.actor()
    short = country.names_ar[1] if len(country.names_ar) > 1 else country.names_ar[0]
    name_ar = f"{GENERIC_AR.get(actor.context, actor.name_ar)} ({short})"
    return Actor(f"{actor.context}-{country.code}", name, kind, country.code, name_ar, inter)


_ROLE_PREFIXES = ("Military Forces of ", "Police Forces of ", "Government of ")


@cache
def _nisba_countries() -> dict[str, Country]:
    """Folded nisba form («الروسية», «روسي», «البريطانيين») -> its country."""
    out: dict[str, Country] = {}
    for country in countries().values():
        for masculine in country.nisbas:
            for form in inflections(masculine).values():
                out.setdefault(fold(form), country)
    return out


def nisba_country(word: str) -> str | None:
    """The country a folded nisba form names («اليمنيه» -> YE), or None."""
    country = _nisba_countries().get(word)
    return country.code if country else None


def coordinated_force(actor: Actor, word: str) -> Actor | None:
    """«الطائرات الحربية السورية والروسية»: the same kind of state force of the country a nisba joined
    by «و» to the actor's phrase names (Russia's military here), or None."""
    if not word.startswith("و") or not actor.name.startswith(_ROLE_PREFIXES):
        return None
    country = _nisba_countries().get(word[1:])
    if country is None or country.code == actor.country:
        return None
    prefix = next(p for p in _ROLE_PREFIXES if actor.name.startswith(p))
    spec = _by_name().get(prefix + country.en)
    return spec.actor() if spec else None


def folded_aliases() -> dict[str, list[str]]:
    """Folded alias -> actor ids (for tests and the candidate script: which ids share an alias)."""
    out: dict[str, list[str]] = {}
    for spec in catalogue().values():
        for alias in spec.ar + spec.en:
            out.setdefault(" ".join(fold(alias).split()), []).append(spec.id)
    return out
