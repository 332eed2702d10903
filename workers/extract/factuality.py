"""Factuality: does the text report that the event happened?

An event is something the text reports as having happened (eval/README.md). A trigger yields no
event when its sentence is a question, or when, in its clause and within FACTUALITY_WINDOW words
before it, a cue word (cues.json, matched by morphological key) makes it negated («لم تشن غارات»),
future («سوف», a generated future verb form «سيقصف», «الجمعة المقبلة» after it), conditional («إذا»,
«في حال»), a call («دعا إلى وقف القصف»), a threat («هدد بقصف»), a plan («تعتزم شن هجوم»), an
instruction, a hypothesis («خشية هجمات») or a generic statement (a penalty: «حكم بالإعدام», a law);
a trigger written with the «ل» of purpose («أرسل قواته للقتال», «لتحرير الكويت») is a purpose unless a
word of undergoing just before it makes it an act that happened («تعرضت لقصف»);
or when the word after it makes it a metaphor («اختطاف القرار»), or a generic attack word is a
verbal attack (its tone or accusation after it: «هجوما حادا», «متهما إياها»), or a protest word a
celebration («مسيرة حاشدة احتفالاً»). A cue word counted by a number is a noun, not a cue («قتل 20
طالباً» are students, not «طالب», a call). An imperfect verb («تقصف القوات
القرى») tells what someone does, a habit, unless the sentence tells of one occasion: a narrative
word in its window («وبدأ الجنود يعتقلون»), a date, or an exact figure (a headline's present:
«الجيش يقتل 31 مسلحا»); a generic one («حملة أمنية تستهدف») is a purpose even then. A trigger
followed by «المتكررة», «اليومية» is a habit too. Fighting named as an activity («المشاركة في
القتال», «في المعركة ضد الإرهاب») is generic unless its sentence gives it a place, a day, casualties or
a word saying it broke out or raged («اندلعت معارك عنيفة»). Also no event: a trigger right
after «أي» («أي هجوم»), one governed by «قد» + an imperfect verb («قد تشن غارات»), a purpose («من
أجل», «سعيا ل»), and a weapon spoken of rather than used («برنامج الصواريخ»). Quotation marks do
not end the window («هدد بـ"قصف"»); «قادمة من» is a direction, not a future time. A past event
named as history («في ذكرى مجزرة», or dated more than BACKGROUND_DAYS before publication) is reported, as background:
it keeps its own date and is never the article's lead. So is an event named just after a word that
makes it earlier than the sentence's news («غداة تفجير الفحيص», «ردا على مقتل», «على خلفية
تسميم», «المشتبه بهم بتفجير»: earlier_event_marker). The decision goes into the trigger's evidence.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from workers.extract import lexicon
from workers.extract.dates import is_year
from workers.extract.lexicon import TERRITORY_SUB_TYPES, Match, Trigger
from workers.extract.morph import FUTURE_PREFIXES, keys_of, term_key, verb_forms
from workers.extract.numbers import is_number_word
from workers.extract.sentence import SentenceAnalysis, fighting_took_place, is_fighting_noun, names_weapon_use
from workers.extract.text import fold, without_conjunction, without_proclitic

FACTUALITY_WINDOW = 6  # words before a trigger (in its clause) where a cue word governs it
# negation particles, as written (folded), that negate a phrase when they stand among its inserted
# words; not «دون/عدم», which a phrase may hold as its own word («طائرة دون طيار»)
_NEGATING_PARTICLES = frozenset(fold(w) for w in ["لم", "لن", "لا", "ليس", "ليست", "ولم", "ولن", "ولا"])
NEGATION_WINDOW = 5  # a negation governs the next few words («لم تقدم القوات على شن هجوم»)
WEAPON_WORD_GAP = 2  # words before a weapon trigger where «برنامج», «تجربة» (… إطلاق) may stand
SHORT_IMPERFECT = 3  # letters: a «تـ» word this short after «قد» is an imperfect verb («تشن»)
BACKGROUND_DAYS = 7  # an event dated this long before publication is history, not news
EARLIER_EVENT_GAP = 2  # words between an earlier-event marker and its event («ردا على مقتل», «المشتبه بهم بتفجير»)
WEAPON_MODEL_GAP = 5  # words after a weapon trigger where «طراز» (model) may stand
HABIT_AFTER_GAP = 1  # words after a trigger where «المتكررة», «اليومية» make it a habit
INTERCEPTION_WINDOW = 8  # words before a weapon where «اعترضت الدفاعات الجوية (…)» may stand
INTERCEPTION_AFTER = 4  # words after it: «أطلقوا صاروخا باتجاه مأرب واعترضته الدفاعات»
INTERCEPTION_OBJECT_GAP = 2  # words before it where «تدمير (…) صاروخ» has it as its direct object
INTERCEPTION_FAILED_GAP = 2  # words before it where «أخفقت (في) اعتراض» says it failed
_INTERCEPTABLE = frozenset({"shelling_artillery_missile_attack", "air_drone_strike"})
_PAST_AFTER_QAD = frozenset({"تم"})  # «قد تم اعتقاله»: done
_PAST_ENDINGS = ("ت", "وا")  # «نفذت», «نقلوا»: a past verb whose root starts with «ن»
# written fused to the next word: «وقد», «فقد» (text.without_conjunction keeps words of three letters)
_CONJUNCTIONS = ("و", "ف")
_OF = fold("من")  # «كثير من الهجمات»
WAR_TOLL_MIN = 1000  # people killed or wounded: a figure this large with no place or day is a war's toll
TOLL_CUE_GAP = 3  # words between a casualty cue and the figure it counts («مقتل نحو 25 ألف شيشاني»)
# sub-types that a «ل» does not make a purpose: the word names what was there or was agreed
_NOT_PURPOSES = frozenset({"agreement", "protest_with_intervention", "excessive_force_against_protesters"})
_BATTLE_NOUNS = frozenset(fold(w) for w in ["معركة", "المعركة", "معارك", "المعارك"])
VERBAL_ATTACK_WINDOW = 6  # words after «هجوما» where the accusation it makes («متهما») may stand
VERBAL_TONE_GAP = 2  # ... and where its tone may («هجوما حادا», «هجوما جديدا لاذعا»)
VERBAL_AGENT_WINDOW = 10  # words before «هجوما» where «شن» and who launched it may stand («شن خطيب جمعة طهران»)
_LAUNCHED = term_key("شن")  # «شن خطيب ... هجوما»
CELEBRATION_WINDOW = 4  # words either side of a protest word where «احتفالا», «لوداع» may stand
PURPOSE_WINDOW = 8  # words before a «ل» + trigger where «تعرض», «هدفا» make it an act undergone
# («تعرضت قرية غمام بريف اللاذقية الشمالي لقصف»: a place named between them)

ASSERTED, BACKGROUND, GENERIC = "asserted", "background", "generic"
# cue list (cues.json) -> the decision it makes, in the order they are checked
_BEFORE_CUES = (
    ("conditional_words", "conditional"),
    ("call_words", "call"),
    ("threat_words", "threat"),
    ("plan_words", "plan"),
    ("instruction_words", "instruction"),
    ("hypothetical_words", "hypothetical"),
    ("generic_words", GENERIC),
    ("future_words", "future"),
)


@dataclass(frozen=True, slots=True)
class Factuality:
    value: str  # asserted / background, or why it is not reported (negated, future, question, …)
    cue: str | None = None  # the word that decided it, as written in the text

    @property
    def reported(self) -> bool:
        return self.value in (ASSERTED, BACKGROUND)


@dataclass(frozen=True, slots=True)
class _CueSet:
    words: frozenset[str]  # keys of one-word entries
    bigrams: frozenset[tuple[str, str]]  # keys of two-word entries


@cache
def cue_set(name: str) -> _CueSet:
    words, bigrams = set(), set()
    for entry in lexicon.cues()[name]:
        parts = [term_key(w) for w in entry.split()]
        if len(parts) == 1:
            words.add(parts[0])
        elif len(parts) == 2:
            bigrams.add((parts[0], parts[1]))
    return _CueSet(frozenset(words), frozenset(bigrams))


def _hit(cues: _CueSet, words: list[str], i: int) -> bool:
    keys = keys_of(words[i])
    if not cues.words.isdisjoint(keys):
        return True
    if cues.bigrams and i + 1 < len(words):
        nxt = keys_of(words[i + 1])
        return any((a, b) in cues.bigrams for a in keys for b in nxt)
    return False


@cache
def _window_cues() -> tuple[
    dict[str, tuple[str, ...]], dict[tuple[str, str], tuple[str, ...]], frozenset[str]
]:
    """All cue lists checked before a trigger, merged: key -> decisions (one lookup per key, not
    one per list), bigram -> decisions, and the first keys of the bigrams."""
    single: dict[str, tuple[str, ...]] = {}
    pairs: dict[tuple[str, str], tuple[str, ...]] = {}
    for list_name, value in (*_BEFORE_CUES, ("background_words", BACKGROUND)):
        cues = cue_set(list_name)
        for k in cues.words:
            single[k] = (*single.get(k, ()), value)
        for b in cues.bigrams:
            pairs[b] = (*pairs.get(b, ()), value)
    # «سنواصل الإضراب», «ستشن القوات هجوما»: a verb carrying the trigger, in a future form
    for verb in lexicon.cues()["support_verbs"]:
        for form in verb_forms(verb):
            key = term_key(form)
            if form.startswith(FUTURE_PREFIXES) and "future" not in single.get(key, ()):
                single[key] = (*single.get(key, ()), "future")
    return single, pairs, frozenset(a for a, _ in pairs)


def _window_hits(words: list[str], window: Iterable[int]) -> dict[str, int]:
    """decision -> the first position in the window whose word (or bigram) is one of its cues."""
    single, pairs, pair_firsts = _window_cues()
    found: dict[str, int] = {}
    for i in window:
        keys = keys_of(words[i])
        for k in keys:
            for value in single.get(k, ()):
                found.setdefault(value, i)
        if i + 1 < len(words) and not pair_firsts.isdisjoint(keys):
            nxt = keys_of(words[i + 1])
            for first in keys:
                for second in nxt:
                    for value in pairs.get((first, second), ()):
                        found.setdefault(value, i)
    return found


def _is_question(a: SentenceAnalysis) -> bool:
    text = a.sentence.text.rstrip()
    if text.endswith(("؟", "?")):
        return True
    return bool(a.tokens.words) and _hit(cue_set("question_words"), a.tokens.words, 0)


# A cue before one of these governs another clause: «لم يعلق الجيش على الغارة التي قتلت…»
_CLAUSE_OPENERS = frozenset(
    fold(w)
    for w in [
        "الذي",
        "التي",
        "الذين",
        "بعد",
        "حيث",
        "عندما",
        "حين",
        "إثر",
        "اثر",
        "بينما",
        "فيما",
        "كما",
        "وقد",
        "مما",
    ]
)


def _window(a: SentenceAnalysis, trig: Match[Trigger], size: int) -> range:
    """Token positions before the trigger, in its clause (across quotation marks), nearest last."""
    clauses = a.statement_clauses
    clause = clauses[trig.start_token]
    words = a.tokens.words
    start = trig.start_token
    while (
        start > 0
        and trig.start_token - start < size
        and clauses[start - 1] == clause
        and words[start - 1] not in _CLAUSE_OPENERS
    ):
        start -= 1
    return range(start, trig.start_token)


def _imperfect(word: str) -> bool:
    """An imperfect verb form: «يشن», «نقصف», and «تشن» (a longer «تـ» word may be a past form V
    verb: «تعرض»). Not the past «تم», nor a past verb of a root in «ن» with its past ending («كانت
    القوات قد نفذت», «قد نقلوا»): after «قد» these are the pluperfect of a report, not a maybe."""
    if word in _PAST_AFTER_QAD or (word[:1] == "ن" and word.endswith(_PAST_ENDINGS)):
        return False
    return word[:1] in ("ي", "ن") or (word[:1] == "ت" and len(word) <= SHORT_IMPERFECT)


def judge(
    a: SentenceAnalysis, trig: Match[Trigger], event_date: date | None, published: date | None
) -> Factuality:
    """Is this trigger an event the sentence reports, and is it news or history?"""
    words = a.tokens.words
    if _is_question(a):
        return Factuality("question", a.sentence.text[-1:])
    if trig.entry.future:
        return Factuality("future", words[trig.start_token])
    negation, exceptions = cue_set("negation_words"), cue_set("negation_exceptions")
    if trig.inserted:  # «الطائرات لم تقصف البلدة»: a particle between a phrase's subject and its verb
        inside = next((w for w in words[trig.start_token + 1 : trig.end_token - 1] if w in _NEGATING_PARTICLES), None)
        if inside is not None:
            return Factuality("negated", inside)
    for i in _window(a, trig, NEGATION_WINDOW):
        if _hit(negation, words, i) and not (i + 1 < len(words) and _hit(exceptions, words, i + 1)):
            return Factuality("negated", words[i])
    window = _window(a, trig, FACTUALITY_WINDOW)
    if trig.start_token and fold(words[trig.start_token - 1]) in lexicon.word_set("indefinite_words"):
        return Factuality("generic", words[trig.start_token - 1])  # «أي هجوم»: no particular one
    if _many_of(words, trig) and not a.dates and not trig.entry.casualty_only:  # «العديد من القتلى» counts
        # «المسؤولة عن كثير من الهجمات», «تقف وراء العديد من الهجمات»: a record, no one occasion
        return Factuality("habitual", words[trig.start_token - 2])
    if trig.entry.event_type == "explosions_remote_violence":
        not_used = cue_set("weapon_words_not_used")
        for i in range(max(0, trig.start_token - WEAPON_WORD_GAP), trig.start_token):
            if _hit(not_used, words, i):  # «برنامج الصواريخ»: the weapon, not its use
                return Factuality("generic", words[i])
        if not a.casualty_cues and not names_weapon_use(words):
            # «تسلمت طائرات مقاتلة من طراز رافال»: a model named, the weapon delivered, not used
            model = cue_set("weapon_words_after")
            for i in range(trig.end_token, min(len(words), trig.end_token + WEAPON_MODEL_GAP)):
                if _hit(model, words, i):
                    return Factuality("generic", words[i])
    modal = lexicon.word_set("modal_words")
    # «وقد» opens a clause, so the window stops after it: the modal may stand just before it
    for i in range(max(0, window.start - 1), window.stop):
        if i + 1 >= len(words):
            break
        if words[i] in modal and _imperfect(words[i + 1]):
            return Factuality("hypothetical", words[i])  # «قد تشن»: may; «قد شنت»: has
        if words[i][:1] in _CONJUNCTIONS and words[i][1:] in modal and words[i + 1][:1] == "ي":
            # «وقد يؤدي الهجوم»: may; but «وقد تم», «فقد نفذت» are past, and more often so after a
            # fused «و/ف» than after a bare «قد», so only a «يـ» verb counts there
            return Factuality("hypothetical", words[i])
    hits = _window_hits(words, [i for i in window if not _counted(words, i)])
    if GENERIC in hits:
        # «قوات مكافحة الشغب» (riot police) is no «مكافحة»: a generic cue word in an actor's name.
        # Only the generic list: letting the other lists' words in names through moved the lead
        # events of three dedup sets (held_out_r3_mixed 0.68 -> 0.56)
        in_actors = {i for m in a.actors for i in range(m.start_token, m.end_token)}
        if hits[GENERIC] in in_actors and GENERIC not in _window_hits(
            words, [i for i in window if i not in in_actors]
        ):
            del hits[GENERIC]
    for _list_name, value in _BEFORE_CUES:
        if value in hits:
            return Factuality(value, words[hits[value]])
    if _purpose(a, trig):
        return Factuality("purpose", words[trig.start_token])
    if trig.had_prep and trig.start_token and _exposed_to(words[trig.start_token - 1]):
        return Factuality("hypothetical", words[trig.start_token - 1])  # «أكثر عرضة للانفجار»
    clause = a.statement_clauses[trig.start_token]
    after = range(trig.end_token, min(len(words), trig.end_token + FACTUALITY_WINDOW))
    future_after = cue_set("future_after_words")
    for i in after:
        if a.statement_clauses[i] != clause:
            break
        if (
            _hit(future_after, words, i)
            and not (i + 1 < len(words) and _hit(cue_set("future_after_exceptions"), words, i + 1))
            and not _as_written(words[i], "earlier_event_markers")
        ):  # «القادمة» is next, «قادمة من» coming from; «غداة» (the day after) shares «غدا»'s key
            return Factuality("future", words[i])
    if trig.entry.imperfect and (trig.entry.generic or not _one_occasion(a, window)):
        # a generic imperfect («حملة أمنية تستهدف جماعات»): a purpose, even beside a figure
        return Factuality("habitual", words[trig.start_token])  # «تقصف القوات القرى»: what it does
    habit = cue_set("habit_after_words")
    for i in range(trig.end_token, min(len(words), trig.end_token + HABIT_AFTER_GAP)):
        if _hit(habit, words, i):  # «الاعتقالات اليومية»: a practice, not one event
            return Factuality("habitual", words[i])
    if trig.end_token < len(words) and _hit(cue_set("metaphor_objects"), words, trig.end_token):
        return Factuality("metaphor", words[trig.end_token])
    verbal = _verbal_attack(a, trig)
    if verbal is not None:
        return Factuality("metaphor", words[verbal])
    celebration = _celebration(a, trig)
    if celebration is not None:
        return Factuality("celebration", words[celebration])
    if _unanchored_fighting(a, trig):
        return Factuality(GENERIC, words[trig.start_token])
    if BACKGROUND in hits:
        return Factuality(BACKGROUND, words[hits[BACKGROUND]])
    earlier = earlier_event_marker(a, trig)
    if earlier is not None:
        return Factuality(BACKGROUND, words[earlier])
    if event_date and published and event_date < published - timedelta(days=BACKGROUND_DAYS):
        return Factuality(BACKGROUND, None)
    return Factuality(ASSERTED)


def earlier_event_marker(a: SentenceAnalysis, trig: Match[Trigger]) -> int | None:
    """«قتل ثلاثة من رجال الأمن في مداهمة بالسلط، غداة تفجير الفحيص», «قصفت تركيا مواقع ردا على مقتل
    أحد جنودها», «مداهمة لمشتبه بهم بتفجير»: an event named just after a word that makes it earlier
    than the sentence's news (cues.json earlier_event_markers: the day after, in answer to, in revenge
    for, against the background of; accusation_markers: suspected of, charged with, where a
    preposition governs the event) is the background of the sentence's news, or of the news the
    sentence refers to («جاء ذلك غداة هجوم»): reported, never the lead. Without it an article on the
    raid led with the bombing it followed, and dedup merged the raid's reports into the bombing
    (held_out_r17_ant: 10 wrong pairs). Not «بعد», «إثر», «عقب»: «قتل
    ثلاثة بعد انفجار عبوة» is one event. The marker's position, or None."""
    words = a.tokens.words
    for i in range(max(0, trig.start_token - EARLIER_EVENT_GAP - 1), trig.start_token):
        if _as_written(words[i], "earlier_event_markers"):
            return i
        if _as_written(words[i], "accusation_markers") and (
            trig.had_prep or any(_governs(w) for w in words[i + 1 : trig.start_token])
        ):
            return i
    return None


def marks_earlier_event(word: str) -> bool:
    """Is the word one that turns a sentence to an earlier event (cues.json earlier_event_markers:
    «غداة», «ردا», «في أعقاب»)?"""
    return _as_written(word, "earlier_event_markers")


def _as_written(word: str, list_name: str) -> bool:
    """Is the word an entry of the list as written, past its clitics («وغداة», «بتورطهم»)? Not by
    morphological key: «غداة» (the day after) would meet «غدا» (tomorrow)."""
    return not lexicon.word_set(list_name).isdisjoint(keys_of(word))


_IN = fold("في")
_PRONOUNS_AFTER_BI = frozenset(fold(w) for w in ["به", "بها", "بهم", "بهما", "بهن"])


def _governs(word: str) -> bool:
    """A preposition that makes the next words what someone is suspected of: «في», a «بـ» word
    («بتفجير», «بجريمة»); not «بهم» of «المشتبه بهم», the suspects themselves."""
    return word == _IN or (word.startswith("ب") and word not in _PRONOUNS_AFTER_BI)


def _verbal_attack(a: SentenceAnalysis, trig: Match[Trigger]) -> int | None:
    """«شن ترامب هجوما حادا على ألمانيا متهما إياها»: a generic attack word followed, in its clause,
    by its tone or the accusation it makes (cues.json verbal_attack_tone, verbal_attack_words), or
    launched by a speaker (verbal_attack_agents: «شن خطيب جمعة طهران هجوما على»), is words, not
    violence.
    The position of that word, or None."""
    if not (trig.entry.generic and trig.entry.event_type == "battles"):
        return None
    words, clause = a.tokens.words, a.statement_clauses[trig.start_token]
    tone, accusation = cue_set("verbal_attack_tone"), cue_set("verbal_attack_words")
    for i in range(trig.end_token, min(len(words), trig.end_token + VERBAL_ATTACK_WINDOW)):
        if a.statement_clauses[i] != clause:
            break
        if _hit(accusation, words, i) or (i - trig.end_token < VERBAL_TONE_GAP and _hit(tone, words, i)):
            return i
    # who launched it, the subject right after «شن»: a preacher, a minister, a newspaper («شن خطيب
    # جمعة طهران هجوما على») speaks (not a speaker who reports an attack: «قال المتحدث إن الهجوم»)
    # (the subject's name, title and a day may stand between, set off by commas: «شن خطيب جمعة طهران
    # أحمد خاتمي، الجمعة، هجوما»)
    agents = cue_set("verbal_attack_agents")
    for i in range(trig.start_token - 1, max(-1, trig.start_token - 1 - VERBAL_AGENT_WINDOW), -1):
        if _LAUNCHED in keys_of(words[i]):
            return i + 1 if i + 1 < trig.start_token and _hit(agents, words, i + 1) else None
    return None


def _celebration(a: SentenceAnalysis, trig: Match[Trigger]) -> int | None:
    """«نظمت المحافظة مسيرة حاشدة احتفالاً بافتتاح القناة», «احتشد أكثر من مليون شخص لوداع الأميرة»:
    a gathering to celebrate, welcome or bid farewell (cues.json celebration_words, within
    CELEBRATION_WINDOW words of the protest word) is no protest. Its position, or None."""
    if trig.entry.sub_event_type != "peaceful_protest":
        return None
    words, cues = a.tokens.words, lexicon.surface_set("celebration_words")
    lo = max(0, trig.start_token - CELEBRATION_WINDOW)
    hi = min(len(words), trig.end_token + CELEBRATION_WINDOW)
    # across a comma: «مسيرة حاشدة، احتفالاً بافتتاح القناة»; as written, the forms of a purpose
    return next((i for i in range(lo, hi) if words[i] in cues), None)


def _counted(words: list[str], i: int) -> bool:
    """Is the word counted by a number just before it («قتل 20 طالباً»: students, not «طالب», a call)?
    A year is no count («في 2015 دعا التنظيم إلى شن هجمات»)."""
    return i > 0 and is_number_word(words[i - 1]) and not is_year(words[i - 1])


def _many_of(words: list[str], trig: Match[Trigger]) -> bool:
    """Is the trigger «كثير/العديد من» + trigger (cues.json many_words, then «من»)?"""
    start = trig.start_token
    return (
        start >= 2
        and fold(words[start - 1]) == _OF
        and without_conjunction(fold(words[start - 2])) in lexicon.word_set("many_words")
    )


def _unanchored_fighting(a: SentenceAnalysis, trig: Match[Trigger]) -> bool:
    """«الزج بهم في المعارك», «مشاركتهم في القتال», «خلال معاركها ضد تنظيم داعش»: fighting named as
    an activity, with nothing in the sentence to make it one occasion: no place below a country (nor
    a word for one), no day, no casualties (a figure of WAR_TOLL_MIN or more is a war's toll, not
    one occasion's), no word saying it broke out or raged."""
    if not is_fighting_noun(trig, a.tokens):
        return False
    local = any(p.precision != "country" for m in a.places for p in m.entry)
    areas = lexicon.key_set("territory_nouns")  # «المدينة», «بمنطقة يعيس»: somewhere, if unnamed
    somewhere = local or any(not areas.isdisjoint(keys_of(w)) for w in a.tokens.words)
    # «قتل عشرة آلاف شخص في القتال في اليمن»: a whole war's toll counts no one occasion's dead
    toll = any(
        c.lo >= WAR_TOLL_MIN
        and any(  # a figure of people a casualty cue counts, not a year («منذ 2015»)
            -TOLL_CUE_GAP <= cue.start_token - c.end_token <= TOLL_CUE_GAP
            or -TOLL_CUE_GAP <= c.start_token - cue.end_token <= TOLL_CUE_GAP
            for cue in a.casualty_cues
        )
        for c in a.counts
    )
    casualties = bool(a.casualty_cues) and not toll
    return not (somewhere or a.dates or casualties or fighting_took_place(trig, a.tokens))


def _purpose(a: SentenceAnalysis, trig: Match[Trigger]) -> bool:
    """A trigger written with the «ل» of purpose («سخرت إمكاناتها لتحرير الكويت», «أرسل قواته إلى
    سوريا للقتال», «استدعت أطباء للسيطرة على النمر») names what someone means to do, unless a word
    just before it says the act was undergone, condemned, repelled or carried out (cues.json
    undergoing_words: «تعرضت المدينة لقصف», «هدفا لهجوم», «استنكاره للتفجير», «تبنيه للهجوم»).
    An event noun or a plural after «ل» is the object of a noun before it, not a purpose (cues.json
    event_nouns: «انتقاد فرنسا للعملية العسكرية»), and «اتفاق لوقف إطلاق النار» is the agreement
    itself. Over 6,000 corpus articles 1,308 triggers carry «ل» (scripts/purpose_lam.py, round 8's
    lexicons); about 10% follow an «تعرض» word. A battle named before a change of territory does
    not make it happen («المعركة الدائرة لاستعادة المدينة»: the battle did, the place is its aim)."""
    if not written_with_lam(a.tokens.words, trig) or trig.entry.sub_event_type in _NOT_PURPOSES:
        return False  # «اتفاق لوقف إطلاق النار»: the agreement itself; «أطلقت الشرطة الغاز لتفريق
        # المحتجين»: the protest was there and the force used on it
    before = [a.tokens.words[i] for i in _window(a, trig, PURPOSE_WINDOW)]
    if trig.entry.sub_event_type in TERRITORY_SUB_TYPES:
        # «المعركة الدائرة لاستعادة المدينة»: the battle is the event, the place only its aim
        before = [w for w in before if without_proclitic(without_conjunction(w)) not in _BATTLE_NOUNS]
    noun = without_proclitic(without_conjunction(a.tokens.words[trig.start_token]))  # «للعملية»: «العملية»
    if noun.endswith("ات") or noun in lexicon.word_set("event_nouns"):
        return False  # «انتقاد فرنسا للعملية العسكرية», «تأييده للمظاهرات»: the object of a noun
    return not undergone(before)


def written_with_lam(words: list[str], trig: Match[Trigger]) -> bool:
    """Does the trigger's first word carry the «ل» proclitic («لتحرير», «وللقتال»)?"""
    return trig.had_prep and without_conjunction(words[trig.start_token])[:1] == "ل"


def _exposed_to(word: str) -> bool:
    """«عرضة» (exposed, vulnerable to) before «ل» + trigger: what may happen («عرضة للهجمات»)."""
    return without_conjunction(word) in lexicon.word_set("exposure_words")


def undergone(words_before: list[str]) -> bool:
    """Does one of these words (before a «ل» + trigger) make it an act that happened (cues.json
    undergoing_words: «تعرضت», «هدفا», «استنكاره»)?"""
    whole, prefixes = lexicon.word_or_prefix_set("undergoing_words")
    return any(w in whole or w.startswith(prefixes) for w in map(without_conjunction, words_before))


def _one_occasion(a: SentenceAnalysis, window: range) -> bool:
    """Does a sentence with an imperfect trigger tell of one occasion? A narrative word in the window
    («وبدأ الجنود يعتقلون»), a date, or an exact figure («الجيش يقتل 31 مسلحا»: a headline's
    present) says so; «تعتقل الميليشيات آلاف المدنيين» is what they do."""
    words = a.tokens.words
    narrative = cue_set("narrative_imperfect_words")
    return (
        any(_hit(narrative, words, i) for i in window) or bool(a.dates) or any(c.lo == c.hi for c in a.counts)
    )


def weapon_found(a: SentenceAnalysis, trig: Match[Trigger]) -> bool:
    """«ضبط عبوة ناسفة», «تفكيك لغم»: a weapon found or defused, not used."""
    if trig.entry.event_type != "explosions_remote_violence":
        return False
    found = cue_set("found_words")
    return any(_hit(found, a.tokens.words, i) for i in _window(a, trig, FACTUALITY_WINDOW))


def weapon_intercepted(words: list[str], trig: Match[Trigger]) -> bool:
    """«اعترضت الدفاعات الجوية صاروخا», «أسقط الجيش طائرة مسيرة»: a missile, shell or drone stopped
    by air defence, which ACLED codes as disrupted weapons use, not a strike. Not a weapon used as
    the instrument («أسقطت المروحية بصاروخ»), a manned aircraft, or an interception that failed
    («أخفقت في اعتراض الصاروخين»). `words`: the sentence's (or the headline's) words."""
    entry = trig.entry
    if entry.sub_event_type not in _INTERCEPTABLE:
        return False
    if trig.had_prep and words[trig.start_token].startswith("ب"):
        return False
    drone = cue_set("interceptable_aircraft_words")
    if entry.sub_event_type == "air_drone_strike" and not any(
        _hit(drone, words, i) for i in range(trig.start_token, trig.end_token)
    ):
        return False
    intercept, failed = cue_set("interception_words"), cue_set("interception_failed_words")
    near = range(
        max(0, trig.start_token - INTERCEPTION_WINDOW), min(len(words), trig.end_token + INTERCEPTION_AFTER)
    )
    # as written, with no object pronoun: «دمرتها الصواريخ» has the weapon as its subject
    destroy = lexicon.word_set("interception_object_words") if entry.instrument else frozenset()
    # right before the weapon, or before a figure: «دمرت صاروخين», «دمر 7 صواريخ»; not «دمر بطارية صواريخ»
    destroyed = {
        i
        for i in range(max(0, trig.start_token - INTERCEPTION_OBJECT_GAP), trig.start_token)
        if all(w.isdigit() for w in words[i + 1 : trig.start_token])
    }
    return any(
        (_hit(intercept, words, i) or (i in destroyed and without_conjunction(words[i]) in destroy))
        and not any(_hit(failed, words, j) for j in range(max(0, i - INTERCEPTION_FAILED_GAP), i))
        for i in near
    )
