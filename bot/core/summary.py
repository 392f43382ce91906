"""Titles and extractive summaries: the article's own sentences, in its own language.

News puts the essentials first, so the summary is the lead: the first two or three
sentences that are prose, not a repeat of the title, a dateline or a photo credit.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.text import split_sentences

#: What an article with no words at all is called.
UNTITLED = "…"
#: A derived title longer than this is cut at a word boundary.
MAX_TITLE_CHARS = 120
#: The summary stops adding sentences once it is this long (it always has at least two).
TARGET_SUMMARY_CHARS = 280
#: No sentence in a summary is longer than this; longer ones are cut at a word boundary.
MAX_SENTENCE_CHARS = 400
MIN_SENTENCES = 2
MAX_SENTENCES = 3
# A sentence needs this many words to be summary material ("Фото: ...", "ALMATY." are not).
_MIN_SENTENCE_WORDS = 4


def shorten(text: str, limit: int) -> str:
    """Cut `text` to at most `limit` characters at a word boundary, marking the cut with "…"."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:—–-") + "…"


def _comparable(text: str) -> str:
    return " ".join(text.casefold().split()).strip(" .!?…\"«»„“”'")


def _repeats_title(key: str, title_key: str) -> bool:
    """Whether a sentence is the title again (a lead used as title, or a title cut short)."""
    if len(title_key) < 30:
        return False
    return key.startswith(title_key) or title_key.startswith(key)


def make_title(lines: Sequence[str], given: str | None, fallback: str = "") -> str:
    """The article's title: the given one, else its first line if headline-like, else its lead.

    `lines` are the content lines of the text (see `text.content_lines`); `fallback` is
    used when there are none (say, a text of emoji), and `UNTITLED` when it is blank too.
    """
    if given is not None and given.strip():
        return shorten(" ".join(given.split()), MAX_TITLE_CHARS * 2)
    for line in lines:
        first = next(split_sentences(line), "")
        if len(line) <= MAX_TITLE_CHARS and line == first:
            return line.rstrip(".")
        if first:
            return shorten(first.rstrip("."), MAX_TITLE_CHARS)
    fallback = " ".join(fallback.split())
    return shorten(fallback, MAX_TITLE_CHARS) if fallback else UNTITLED


def summarize(lines: Sequence[str], title: str) -> str:
    """Two or three lead sentences of the text, skipping the title and chrome; may be empty."""
    title_key = _comparable(title.rstrip("…"))
    chosen: list[str] = []
    length = 0
    for line in lines:
        for sentence in split_sentences(line):
            key = _comparable(sentence)
            if not key or key == title_key or _repeats_title(key, title_key):
                continue
            if len(sentence.split()) < _MIN_SENTENCE_WORDS and not chosen:
                continue
            chosen.append(shorten(sentence, MAX_SENTENCE_CHARS))
            length += len(chosen[-1])
            if len(chosen) >= MAX_SENTENCES or (
                len(chosen) >= MIN_SENTENCES and length >= TARGET_SUMMARY_CHARS
            ):
                return " ".join(chosen)
    return " ".join(chosen)
