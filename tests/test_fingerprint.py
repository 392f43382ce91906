"""Fingerprints (issue 3, dedup): the exact hash ignores layout, the sketch finds reprints."""

from __future__ import annotations

from bot.core.fingerprint import (
    MIN_STORY_WORDS,
    NEAR_DUPLICATE_SIMILARITY,
    fingerprint,
    similarity,
)

TEXT = (
    "Министерство энергетики сообщило о планах расширить добычу лития и вольфрама на востоке "
    "страны. По словам министра, первые лицензии на разведку выдадут уже весной, а инвесторы "
    "из Европейского союза подписали меморандум о сотрудничестве в области критического сырья. "
    "Эксперты отмечают, что спрос на редкие металлы растёт вместе с рынком электромобилей."
)
OTHER = (
    "Wojewoda spotkał się z ambasadorem Kazachstanu. Rozmawiano o współpracy gospodarczej, "
    "rolnictwie i wymianie studentów między uczelniami obu krajów, a także o nowych lotach "
    "między Warszawą a Astaną, które mają ruszyć w przyszłym roku."
)


def test_the_hash_ignores_whitespace_case_and_punctuation() -> None:
    relaid = TEXT.upper().replace(". ", ".\n\n").replace(", ", " , ")
    assert fingerprint(relaid).content_hash == fingerprint(TEXT).content_hash
    assert fingerprint(TEXT + " Ещё.").content_hash != fingerprint(TEXT).content_hash


def test_a_text_is_fully_similar_to_itself_and_not_to_another() -> None:
    a, b = fingerprint(TEXT).sketch, fingerprint(OTHER).sketch
    assert similarity(a, a) == 1.0
    assert similarity(a, b) < 0.2
    assert similarity(a, b) == similarity(b, a)


def test_a_reprint_with_small_edits_is_near_the_original() -> None:
    reprint = TEXT.replace("сообщило", "заявило", 1) + " Источник: агентство."
    original, edited = fingerprint(TEXT), fingerprint(reprint)
    assert similarity(original.sketch, edited.sketch) >= NEAR_DUPLICATE_SIMILARITY
    # They share at least one lookup band, so the store finds the original as a candidate.
    assert any(x == y != 0 for x, y in zip(original.bands, edited.bands, strict=True))


def test_a_short_text_has_an_empty_sketch_and_no_bands() -> None:
    short = " ".join(["вода"] * (MIN_STORY_WORDS - 1))
    fp = fingerprint(short)
    assert fp.bands == (0,) * 8
    assert similarity(fp.sketch, fp.sketch) == 0.0


def test_a_short_text_is_identified_with_its_title() -> None:
    assert fingerprint("Подробнее на сайте", "Тарифы вырастут").content_hash != (
        fingerprint("Подробнее на сайте", "Новый завод").content_hash
    )
