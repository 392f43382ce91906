"""Robustness of the analysis (issue 4, part 7): odd input gets an answer, never an exception."""

from __future__ import annotations

import pytest

from bot.core.analysis import Analyzer
from bot.core.models import Lang
from bot.core.summary import UNTITLED


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer.load()


def test_empty_text_is_und_with_no_topics_and_a_title(analyzer: Analyzer) -> None:
    result = analyzer.analyze("")
    assert (result.lang, result.topics, result.title, result.summary) == (
        Lang.UND,
        (),
        UNTITLED,
        "",
    )


def test_whitespace_only_text_is_like_empty(analyzer: Analyzer) -> None:
    assert analyzer.analyze(" \n\t \r\n").title == UNTITLED


def test_a_single_word_is_und_with_no_topics(analyzer: Analyzer) -> None:
    result = analyzer.analyze("вода")
    assert result.lang == Lang.UND
    assert result.topics == ()
    assert result.title == "вода"


def test_emoji_only_is_und_and_titled_by_the_emoji(analyzer: Analyzer) -> None:
    result = analyzer.analyze("🌍🔥💧 🌍")
    assert result.lang == Lang.UND
    assert result.topics == ()
    assert result.title == "🌍🔥💧 🌍"


def test_one_megabyte_of_text_is_analysed(analyzer: Analyzer) -> None:
    paragraph = (
        "Уровень Каспийского моря снижается, и власти обсуждают меры по сохранению водных "
        "ресурсов региона. Засуха угрожает рекам и озёрам.\n"
    )
    text = paragraph * (1_000_000 // len(paragraph) + 1)
    result = analyzer.analyze(text)
    assert result.lang == Lang.RU
    assert "water" in {t.topic_id for t in result.topics}
    assert len(result.summary) < 1000


def test_one_megabyte_without_spaces_or_punctuation_is_analysed(analyzer: Analyzer) -> None:
    result = analyzer.analyze("ж" * 1_000_000)
    assert result.lang == Lang.UND
    assert len(result.title) <= 120


def test_mixed_scripts_are_und(analyzer: Analyzer) -> None:
    text = (
        "Правительство обсудило водные ресурсы региона и планы на год. "
        "The government discussed water resources in the region and plans for the year. "
        "Rząd omówił zasoby wodne regionu i plany na rok. 水资源 问题 讨论。"
    )
    assert analyzer.analyze(text).lang == Lang.UND


def test_html_left_in_the_text_is_not_in_title_summary_or_terms(analyzer: Analyzer) -> None:
    text = (
        "<div class='article'><p>Smog covered Almaty again on Monday &amp; air pollution "
        "exceeded the norm.</p><script>var x = '<p>ads</p>';</script>"
        "<p>Kazhydromet warned residents about PM2.5 levels.</p><br/><p>Fot. <b>AP</b></p></div>"
    )
    result = analyzer.analyze(text)
    assert result.lang == Lang.EN
    assert "<" not in result.title + result.summary
    assert "&amp;" not in result.summary
    assert "var x" not in result.summary
    assert "air_quality" in {t.topic_id for t in result.topics}
    assert not any("div" in term for t in result.topics for term in t.terms)


@pytest.mark.parametrize(
    "text",
    [
        "\x00\x01\x02",
        "....!!!???",
        "a" * 10,
        "<p></p>",
        "&#0;&#xD800;",
        "\ud800 broken",
        "1 2 3 4 5",
    ],
)
def test_junk_never_raises(analyzer: Analyzer, text: str) -> None:
    result = analyzer.analyze(text, title=None, declared_lang="xx")
    assert result.title
    assert result.topics == ()
