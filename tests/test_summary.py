"""Summaries and titles (issue 4, part 3): lead sentences, no broken abbreviations, no chrome."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.analysis import Analyzer
from bot.core.summary import make_title, summarize
from bot.core.text import clean, content_lines, is_chrome_line, split_sentences

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer.load()


@pytest.mark.parametrize(
    "text",
    [
        "Делегацию возглавил вице-министр Р.Исакулов. Встреча прошла в г. Брюссель.",
        "Делегацию возглавил вице-министр Р. Исакулов. Встреча прошла в г. Брюссель.",
        "ҚР Экология министрлігі су, ауа, топырақ т.б. мәселелерді қарады. Жиын ертең өтеді.",
        "Biuro mieści się przy ul. Długiej 5. Spotkanie prowadził dr. Nowak.",
        "Mr. Smith met Dr. Jones in the U.S. capital. They agreed on a plan.",
    ],
)
def test_initials_and_abbreviations_do_not_end_a_sentence(text: str) -> None:
    assert len(list(split_sentences(text))) == 2


def test_an_abbreviation_after_a_long_run_of_text_is_still_seen() -> None:
    long_start = "Министрлік " + "су ресурстары туралы " * 40 + "т.б. мәселелерді қарады."
    assert list(split_sentences(long_start + " Жиын ертең өтеді.")) == [
        long_start,
        "Жиын ертең өтеді.",
    ]


def test_a_word_longer_than_any_abbreviation_ends_its_sentence() -> None:
    word = "Z" + "a" * 60
    assert len(list(split_sentences(f"Tu jest {word}. Potem inne zdanie."))) == 2


def test_sentences_end_at_question_and_exclamation_marks() -> None:
    text = "Куда уходит вода? Учёные бьют тревогу! «Время ещё есть», — сказал эксперт."
    assert list(split_sentences(text)) == [
        "Куда уходит вода?",
        "Учёные бьют тревогу!",
        "«Время ещё есть», — сказал эксперт.",
    ]


@pytest.mark.parametrize(
    "line",
    ["Фото: Арнур Рахимбеков/Kazinform", "fot. DUW", "liczba wejść: 1965", "[Drukuj](#)  ",
     "[Generuj PDF](#) [Powiadom](#)", "---", "28.04.2024, 01:03", "Сурет: Ақорда",
     "<https://www.duw.pl/pl/dla-mediow/aktualnosc/9109,Wizyta.html>", "Читайте также: новости"],
)  # fmt: skip
def test_page_chrome_lines_are_recognised(line: str) -> None:
    assert is_chrome_line(line)


@pytest.mark.parametrize(
    "line",
    ["Фотоэлектрические модули установят на крыше.", "Share prices rose sharply on Monday.",
     "Image of the future: green hydrogen in Mangystau."],
)  # fmt: skip
def test_prose_is_not_chrome(line: str) -> None:
    assert not is_chrome_line(line)


def test_summary_is_two_or_three_lead_sentences_from_the_text() -> None:
    text = (
        "Первое предложение о воде в регионе и её запасах. Второе предложение о том, что "
        "делают власти. Третье предложение о планах на следующий год. Четвёртое лишнее."
    )
    lines = content_lines(clean(text))
    summary = summarize(lines, make_title(lines, "Заголовок"))
    assert summary.startswith("Первое предложение")
    assert "Четвёртое" not in summary
    assert 2 <= summary.count(".") <= 3


def test_summary_skips_photo_credits_and_page_chrome(analyzer: Analyzer) -> None:
    text = (SEEDS / "003_a6df0cd98bb2def0.txt").read_text(encoding="utf-8")
    result = analyzer.analyze(text)
    for chrome in ("fot. DUW", "liczba wejść", "Drukuj", "https://"):
        assert chrome not in result.summary
    assert result.summary


def test_summary_of_the_kazakh_seed_keeps_the_abbreviations_whole(analyzer: Analyzer) -> None:
    text = (SEEDS / "002_6f3cb2ba18e580ad.txt").read_text(encoding="utf-8")
    result = analyzer.analyze(text)
    assert result.lang == "kk"
    assert result.summary
    assert not result.summary.endswith(("ҚР.", "М."))


def test_summary_skips_a_lead_that_repeats_the_title(analyzer: Analyzer) -> None:
    lead = "Правительство утвердило план сокращения выбросов парниковых газов на треть к 2030 году."
    text = lead + " План будет представлен в ООН. Его обсудят на следующей неделе в Астане."
    result = analyzer.analyze(text, title=lead)
    assert result.title == lead
    assert not result.summary.startswith(lead)


def test_an_article_without_a_title_gets_its_first_line_or_lead(analyzer: Analyzer) -> None:
    text = "Астанада ауа мониторингі жүйесі орнатылады\n\nЖүйе қаланың он екі нүктесінде істейді."
    assert analyzer.analyze(text).title == "Астанада ауа мониторингі жүйесі орнатылады"
    long_lead = "Слово " * 60 + "конец."
    title = analyzer.analyze(long_lead).title
    assert title.endswith("…")
    assert len(title) <= 120


def test_a_given_title_is_kept_and_cleaned(analyzer: Analyzer) -> None:
    result = analyzer.analyze("Текст статьи о воде.", title="  <b>Вода</b> &amp; жизнь ")
    assert result.title == "Вода & жизнь"
