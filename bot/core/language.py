"""Language of a text: a fast rule-based detector for ru, kk, pl and en, langdetect for the rest.

langdetect has no Kazakh profile (it calls Kazakh Russian, Bulgarian or Macedonian), is
slow, and is random unless seeded. The product languages are told apart by script, by
letters only one of them uses, and by their commonest function words; langdetect (seeded,
on a bounded prefix) only sees texts in other languages. Short or mixed texts give `und`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from langdetect import DetectorFactory, detect_langs
from langdetect.lang_detect_exception import LangDetectException

from bot.core.models import Lang
from bot.core.text import clean, tokenize

# langdetect samples randomly; a fixed seed makes it give the same answer every run.
DetectorFactory.seed = 0

#: Tokens looked at: enough for a stable answer, few enough to keep detection cheap.
SAMPLE_TOKENS = 400
#: Characters of a text handed to langdetect when the rules do not know the language.
FALLBACK_CHARS = 2000
#: Below this many letters (or this many words) a text is too short to tell.
MIN_LETTERS = 12
MIN_WORDS = 3
#: The dominant script must hold this share of the letters, or the text is mixed.
MIN_SCRIPT_SHARE = 0.65
#: The winner's evidence must be this many times the runner-up's.
MIN_MARGIN = 2.0

# Letters of Kazakh that Russian lacks. ә ғ қ ұ are the strong ones: Kyrgyz and Mongolian
# share only ң ө ү, Ukrainian and Belarusian only і.
_KK_STRONG = frozenset("әғқұ")
_KK_LETTERS = frozenset("әғқңөұүһі")
# "і" together with one of ң ө ү һ is Kazakh as well: Ukrainian and Belarusian have і but
# none of these, and Kyrgyz, Tatar, Bashkir and Mongolian have some of these but no і. A
# short Kazakh headline ("Электр энергиясының тарифі көтеріледі") may lack ә ғ қ ұ.
_KK_PAIRED = frozenset("ңөүһ")
# Cyrillic letters of other languages: Ukrainian, Belarusian, Serbian, Macedonian, Tajik,
# Uzbek, Tatar, Bashkir. Their presence sends a text to langdetect.
_OTHER_CYRILLIC = frozenset("їєґўђћџљњјѓќѕҷӣӯҳҙҫҡҗ")
_PL_LETTERS = frozenset("ąćęłńśźż")
# Latin letters Polish and English do not use (ó is shared with other languages).
_OTHER_LATIN = frozenset("äöüßéèêëàâçñřěůščžýáíúőűğşıõåøæəìòùîôœţșțāēīūļķņģ")


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


# The commonest function words of each language: part of the detector, like a profile.
_RU_WORDS = _word_set(
    "и в во не на с со что это как для по из к о об от до за он она они его ее её их был "
    "была было были также который которая которые которого при после уже так только еще "
    "ещё или но а же бы все всё этот этого этой более чем году года будет может есть"
)
_KK_WORDS = _word_set(
    "және мен бен пен бұл үшін бойынша туралы деп осы бір да де та те ол оның олар біз "
    "сондай ақ жылы арқылы бар жоқ емес керек тиіс болып болды еді кезінде қазір сол "
    "барлық ретінде дейін кейін сәйкес жөнінде жөніндегі қатысты тағы әр өз атап өтті "
    "деді дейді екенін екен болса болады мұнда онда"
)
# Bulgarian words that are not also Kazakh ones: "да" and "те" are Kazakh particles too, and
# a long Kazakh text has plenty of them.
_BG_WORDS = (
    _word_set("е се че са да ще които който която към през след това тази този със във") - _KK_WORDS
)
_PL_WORDS = _word_set(
    "się nie że jest w z na do i o od przez dla jak to oraz po także który która które są "
    "ale czy tym tego jego ich już tak być może został została było będzie ze we"
)
_EN_WORDS = _word_set(
    "the of and to is that for with was by it from be has have are were said will this "
    "which on at as an its their been would not but he she they"
)


@dataclass(frozen=True, slots=True)
class _Sample:
    """Counts over the sampled tokens, by script and by cue."""

    cyrillic: list[str]
    latin: list[str]
    cyrillic_letters: int
    latin_letters: int
    other_letters: int


def _sample(tokens: Sequence[str]) -> _Sample:
    cyrillic: list[str] = []
    latin: list[str] = []
    counts = [0, 0, 0]
    for token in tokens[:SAMPLE_TOKENS]:
        first = token[0]
        if not first.isalpha():
            continue
        if "\u0400" <= first <= "\u04ff":
            cyrillic.append(token)
            counts[0] += len(token)
        elif first < "\u0250":
            latin.append(token)
            counts[1] += len(token)
        else:
            counts[2] += len(token)
    return _Sample(cyrillic, latin, counts[0], counts[1], counts[2])


def _normalise_declared(declared: str | None) -> Lang | None:
    """A declared language tag ("ru-RU", "kz", "pl_PL") as a `Lang`, or None."""
    if not declared:
        return None
    code = declared.strip().lower().replace("_", "-").split("-")[0]
    if code == "kz":
        code = "kk"
    try:
        return Lang(code)
    except ValueError:
        return None


def _decide(
    first: tuple[Lang, float], second: tuple[Lang, float], declared: Lang | None
) -> Lang | None:
    """The language whose evidence clearly wins; the declared one when it is a close call."""
    (lang_a, score_a), (lang_b, score_b) = first, second
    if score_a >= MIN_MARGIN * score_b and score_a > 0:
        return lang_a
    if score_b >= MIN_MARGIN * score_a and score_b > 0:
        return lang_b
    if declared in (lang_a, lang_b) and min(score_a, score_b) > 0:
        return declared
    return None


def _cyrillic(tokens: list[str], declared: Lang | None) -> Lang | None:
    """ru or kk for a Cyrillic text, `und` when it mixes both, None for another language."""
    n = len(tokens)
    kk_letters = sum(1 for t in tokens if not _KK_LETTERS.isdisjoint(t))
    kk_strong = sum(1 for t in tokens if not _KK_STRONG.isdisjoint(t))
    if not kk_strong and any("і" in t for t in tokens):
        kk_strong = sum(1 for t in tokens if not _KK_PAIRED.isdisjoint(t))
    other = sum(1 for t in tokens if not _OTHER_CYRILLIC.isdisjoint(t))
    ru_words = sum(1 for t in tokens if t in _RU_WORDS)
    kk_words = sum(1 for t in tokens if t in _KK_WORDS)
    bg_words = sum(1 for t in tokens if t in _BG_WORDS)
    if other > max(kk_strong, 1) or bg_words > max(ru_words, 2):
        return None
    # "і" without any of Kazakh's strong letters (or ң ө ү һ) is Ukrainian or Belarusian.
    if not kk_strong and kk_letters >= 2:
        return None
    # Evidence as shares of the tokens, each scaled by its rate in ordinary prose
    # (about 40% of Kazakh words carry a Kazakh letter, 25% of Russian words are function
    # words), so that the two sides compare fairly. Kazakh needs its strong letters.
    kk_score = (kk_letters + kk_words) / n / 0.5 if kk_strong else 0.0
    ru_score = ru_words / n / 0.25
    found = _decide((Lang.KK, kk_score), (Lang.RU, ru_score), declared)
    # Plenty of evidence for both: a mixed text, not a third language.
    if found is None and min(kk_score, ru_score) >= 0.2:
        return Lang.UND
    return found


def _latin(tokens: list[str], declared: Lang | None) -> Lang | None:
    """pl or en for a Latin-script text, `und` when it mixes both, None for another language."""
    n = len(tokens)
    pl_letters = sum(1 for t in tokens if not _PL_LETTERS.isdisjoint(t))
    # One-letter tokens are left out: "â" is mojibake of a curly quote more often than French.
    other = sum(1 for t in tokens if len(t) > 1 and not _OTHER_LATIN.isdisjoint(t))
    pl_words = sum(1 for t in tokens if t in _PL_WORDS)
    en_words = sum(1 for t in tokens if t in _EN_WORDS)
    if other > max(pl_letters, 1) and other / n > 0.03:
        return None
    pl_score = (pl_words + pl_letters) / n / 0.45
    en_score = en_words / n / 0.3
    # Other Latin-script languages share a few of these words; demand a fair amount.
    if max(pl_score, en_score) < 0.3:
        return None
    found = _decide((Lang.PL, pl_score), (Lang.EN, en_score), declared)
    if found is None and min(pl_score, en_score) >= 0.2:
        return Lang.UND
    return found


def _fallback(text: str) -> Lang:
    """langdetect's answer for a language the rules do not cover; `und` when it is unsure."""
    try:
        guesses = detect_langs(text[:FALLBACK_CHARS])
    except LangDetectException:
        return Lang.UND
    if not guesses or guesses[0].prob < 0.7:
        return Lang.UND
    try:
        lang = Lang(guesses[0].lang)
    except ValueError:
        return Lang.UND
    # The rules already declined these: a second opinion must not override them.
    return Lang.UND if lang in (Lang.RU, Lang.PL, Lang.EN) else lang


def detect_tokens(tokens: Sequence[str], text: str, declared_lang: str | None = None) -> Lang:
    """The language of a text given its tokens (from `text.tokenize`) and the text itself."""
    declared = _normalise_declared(declared_lang)
    sample = _sample(tokens)
    letters = sample.cyrillic_letters + sample.latin_letters + sample.other_letters
    if letters < MIN_LETTERS:
        return Lang.UND
    if sample.other_letters / letters >= MIN_SCRIPT_SHARE:
        return _fallback(text)
    if len(tokens) < MIN_WORDS:
        return Lang.UND
    if sample.cyrillic_letters / letters >= MIN_SCRIPT_SHARE:
        found = _cyrillic(sample.cyrillic, declared)
    elif sample.latin_letters / letters >= MIN_SCRIPT_SHARE:
        found = _latin(sample.latin, declared)
    else:
        return Lang.UND
    if found is not None:
        return found
    return _fallback(text)


def detect_language(text: str, declared_lang: str | None = None) -> Lang:
    """The language of a text: ru, kk, pl, en by rule, others by langdetect, `und` if unsure."""
    sample = clean(text[: FALLBACK_CHARS * 4])
    return detect_tokens(tokenize(sample), sample, declared_lang)
