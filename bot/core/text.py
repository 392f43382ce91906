"""Plain-text mechanics shared by the analysis: cleaning, tokenising, sentences, page chrome.

Everything here is deterministic and linear in the length of the text.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterator

# A token is a run of letters and digits starting with a letter ("co2", "pm10"), or a
# currency sign, so that "$50 млрд" gives "$" "млрд" and an amount can be a phrase term.
# Punctuation and hyphens separate tokens: "тау-кен" gives "тау" "кен", matched as a phrase.
_TOKEN_RE = re.compile(r"[^\W\d_][^\W_]*|[$€£₸]")

# Kazakh is often typed with look-alike letters from other alphabets (a Latin "i" for "і",
# a schwa for "ә"); inside a Cyrillic word they are folded to the Kazakh letter, so that
# "етедi" and "етеді" are one word to the matcher and the language detector.
_CYRILLIC_LOOKALIKES = str.maketrans({"i": "і", "ə": "ә", "ӊ": "ң", "ё": "е"})
_LOOKALIKE_RE = re.compile("[" + "".join(map(chr, _CYRILLIC_LOOKALIKES)) + "]")
_CYRILLIC_RE = re.compile("[\u0400-\u04ff]")
_FOLD = str.maketrans({"ё": "е", "\u00ad": None, "\u200b": None, "\u200c": None, "\u200d": None})

# Leftover markup in text that a source passed through; ingest parses real HTML with
# trafilatura, this only keeps tags and entities out of titles, summaries and terms.
_SCRIPT_RE = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_BLOCK_TAG_RE = re.compile(r"<\s*/?\s*(?:p|div|br|li|h[1-6]|tr|section|article)\b[^>]*>", re.I)
_TAG_RE = re.compile(r"<[^<>]{0,500}>")
_SPACES_RE = re.compile(r"[ \t\f\v\u00a0\u2000-\u200a\u202f\u205f\u3000]+")

# Lines that are page furniture rather than article: photo credits, counters, share and
# print links, "read also" lists, archive notices, rules and lines without any letters.
_CHROME_RE = re.compile(
    r"""^(?:
        (?:фото|фотосурет|сурет|foto|fot|photo|photos|źródło\s+zdjęcia|zdjęcie|
           источник\s+фото|автор\s+фото|фото\s+автора|photo\s+credit|image|credit)
           \s*(?:[:.©/|-]|$)
      | .{0,40}(?:liczba\s+wejść|liczba\s+odsłon|просмотр(?:ов|ы)?|қаралым|views)\s*:?\s*\d
      | (?:читайте\s+также|читайте\s+нас|оқи\s+отырыңыз|сондай-ақ\s+оқыңыз|
           czytaj\s+(?:też|także|więcej)|zobacz\s+(?:też|także)|read\s+(?:more|also))\b
      | (?:поделиться|бөлісу|udostępnij|share|drukuj|print)\s*(?::|$)
      | strona\s+znajduje\s+się\s+w\s+archiwum
      | (?:©|copyright\s*(?:©|\d|:)|все\s+права\s+защищены|wszelkie\s+prawa\s+zastrzeżone)
    )""",
    re.IGNORECASE | re.VERBOSE,
)
_LINK_ONLY_RE = re.compile(r"^(?:\s*(?:\[[^\]]*\]\([^)]*\)|<https?://[^>]*>|https?://\S+)\s*)+$")
_HEADING_RE = re.compile(r"^#{1,6}\s+")
_CHROME_MAX_CHARS = 200

# Sentence ends: terminal punctuation, closing quotes, then space and something that can
# start a sentence (capital letter, digit, opening quote or a dash of direct speech).
_SENTENCE_END_RE = re.compile(
    r"[.!?…]+[\"»”’')\]]*\s+(?=[\"«„“'(\[—–-]?\s?[^\W_a-zа-яәғқңөұүһіёąćęłńóśźż])"
)
_ABBREVIATION_TAIL = 40
_LAST_WORD_RE = re.compile(r"([^\W\d_]+(?:\.[^\W\d_]+)*)\.*[\"»”’')\]]*$")

# Abbreviations after which a full stop does not end a sentence (lowercase, without the
# final dot). Single letters are initials ("Р. Исакулов") and are handled by length.
_ABBREVIATIONS = frozenset(
    {
        # Russian
        "г", "гг", "ул", "пр", "просп", "им", "млн", "млрд", "трлн", "тыс", "руб", "долл", "коп",
        "кв", "км", "см", "мм", "ст", "стр", "рис", "табл", "проф", "акад", "доц", "обл", "р-н",
        "пос", "дер", "напр", "ок", "др", "пер", "т.е", "т.д", "т.п", "т.к", "т.н", "т.ч", "н.э",
        "англ", "рус", "каз", "нем", "франц", "тел", "зам", "ген", "гос", "мин", "макс", "ред",
        # Kazakh
        "т.б", "т.с.с", "б.з.д", "ж", "жж", "ғ", "ғғ", "бет", "көш", "мың",
        # Polish
        "ul", "al", "pl", "os", "dr", "np", "m.in", "tj", "tzw", "godz", "prof", "mgr", "inż",
        "św", "tys", "mln", "mld", "zł", "nr", "ds", "wg", "ang", "ros", "itd", "itp", "płk",
        "gen", "pkt", "poz", "woj", "pow", "gm", "sp", "ok", "ww", "jw", "br", "r", "ub", "pn",
        "red", "fot", "min", "maks", "tel",
        # English
        "mr", "mrs", "ms", "st", "inc", "ltd", "co", "corp", "jr", "sr", "vs", "etc", "no",
        "gov", "sen", "rep", "u.s", "u.k", "e.g", "i.e", "approx", "dept", "est", "fig", "jan",
        "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "mt",
    }
)  # fmt: skip


def strip_markup(text: str) -> str:
    """Remove leftover HTML tags and entities; keep block tags as line breaks."""
    if "<" in text:
        text = _SCRIPT_RE.sub(" ", text)
        text = _BLOCK_TAG_RE.sub("\n", text)
        text = _TAG_RE.sub(" ", text)
    if "&" in text:
        text = html.unescape(text)
    return text


def clean(text: str) -> str:
    """Normalise a raw text: NFC, no markup, one space between words, trimmed lines."""
    text = unicodedata.normalize("NFC", strip_markup(text))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(_SPACES_RE.sub(" ", line).strip() for line in text.split("\n"))


def fold_token(token: str) -> str:
    """Lowercase a word and fold look-alike letters, so spellings of one word compare equal."""
    token = token.lower()
    if not token.isascii():
        token = token.translate(_FOLD)
        # A Cyrillic word with a stray Latin "i" or schwa: fold to the Kazakh letters.
        if _LOOKALIKE_RE.search(token) and _CYRILLIC_RE.search(token):
            token = token.translate(_CYRILLIC_LOOKALIKES)
    return token


def tokenize(text: str) -> list[str]:
    """Split a text into folded lowercase word tokens (letters only)."""
    return [fold_token(m) for m in _TOKEN_RE.findall(text)]


def is_chrome_line(line: str) -> bool:
    """Whether a line is page furniture (photo credit, counter, share link, rule) and not prose."""
    stripped = line.strip()
    if not stripped:
        return True
    if not any(ch.isalpha() for ch in stripped):
        return True
    if _LINK_ONLY_RE.match(stripped):
        return True
    return len(stripped) <= _CHROME_MAX_CHARS and _CHROME_RE.match(stripped) is not None


def content_lines(text: str) -> list[str]:
    """The prose lines of a cleaned text: chrome dropped, Markdown heading marks removed."""
    lines = []
    for line in text.split("\n"):
        if is_chrome_line(line):
            continue
        lines.append(_HEADING_RE.sub("", line))
    return lines


def _ends_with_abbreviation(chunk: str) -> bool:
    """Whether the full stop closing `chunk` belongs to an abbreviation or an initial."""
    stripped = chunk.rstrip()
    if not stripped.endswith("."):
        return False
    # The last word is searched for in the tail only: searching a long chunk for a pattern
    # anchored at its end tries every position of it.
    tail = stripped[-_ABBREVIATION_TAIL:]
    match = _LAST_WORD_RE.search(tail)
    if match is None or (match.start() == 0 and len(stripped) > len(tail)):
        return False  # no word, or one longer than any abbreviation
    word = match.group(1)
    # An initial: one letter ("Р.", "J.") or dotted initials ("J.R.").
    if len(word) == 1 or all(len(part) == 1 for part in word.split(".")):
        return True
    return word.lower() in _ABBREVIATIONS


def split_sentences(paragraph: str) -> Iterator[str]:
    """Yield a paragraph's sentences, lazily; initials and abbreviations do not end one."""
    start = 0
    for match in _SENTENCE_END_RE.finditer(paragraph):
        end = match.end()
        candidate = paragraph[start:end]
        if _ends_with_abbreviation(candidate):
            continue
        sentence = candidate.strip()
        if sentence:
            yield sentence
        start = end
    tail = paragraph[start:].strip()
    if tail:
        yield tail


def sentences(text: str) -> Iterator[str]:
    """Yield the sentences of a cleaned text, paragraph by paragraph, skipping page chrome."""
    for line in content_lines(text):
        yield from split_sentences(line)
