"""Language detection (issue 4, part 1): ru, kk, pl, en by rule, others by langdetect."""

from __future__ import annotations

import pytest

from bot.core.language import detect_language
from bot.core.models import Lang

KAZAKH = (
    "Үкімет отырысында су ресурстарын тиімді пайдалану мәселесі қаралды. Министрдің айтуынша, "
    "биыл өңірлердегі суармалы жерлердің көлемі ұлғаяды және ескі каналдар жөнделеді."
)
RUSSIAN = (
    "На заседании правительства обсудили вопросы водных ресурсов. По словам министра, в этом "
    "году площадь орошаемых земель увеличится, а старые каналы будут отремонтированы."
)
POLISH = (
    "Na posiedzeniu rządu omówiono gospodarkę wodną. Według ministra w tym roku zwiększy się "
    "powierzchnia nawadnianych pól, a stare kanały zostaną wyremontowane."
)
ENGLISH = (
    "The government discussed the use of water resources at its meeting. According to the "
    "minister, the area of irrigated land will grow this year and old canals will be repaired."
)


@pytest.mark.parametrize(
    ("text", "lang"),
    [(KAZAKH, Lang.KK), (RUSSIAN, Lang.RU), (POLISH, Lang.PL), (ENGLISH, Lang.EN)],
)
def test_product_languages_are_recognised(text: str, lang: Lang) -> None:
    assert detect_language(text) == lang


def test_kazakh_with_a_russian_quote_stays_kazakh() -> None:
    text = KAZAKH + " Ол «Мы сделаем всё возможное» деп атап өтті. " + KAZAKH
    assert detect_language(text) == Lang.KK


def test_long_kazakh_text_with_its_particles_stays_kazakh() -> None:
    # "да", "де", "те" are Kazakh particles and Bulgarian words: many of them in a long
    # Kazakh text must not send it to langdetect (which has no Kazakh).
    text = " ".join([KAZAKH, "Жиынға әкімдер де, сарапшылар да қатысты.", KAZAKH] * 3)
    assert detect_language(text) == Lang.KK


def test_bulgarian_is_neither_russian_nor_kazakh() -> None:
    text = (
        "Правителството обсъди днес използването на водните ресурси. Според министъра през "
        "тази година площта на поливните земи ще се увеличи, а старите канали ще бъдат ремонтирани."
    )
    assert detect_language(text) not in (Lang.KK, Lang.RU)


def test_russian_with_a_kazakh_name_stays_russian() -> None:
    text = "Қасым-Жомарт Тоқаев провёл встречу с акимом Жамбылской области. " + RUSSIAN
    assert detect_language(text) == Lang.RU


def test_kazakh_typed_with_latin_i_is_kazakh() -> None:
    assert detect_language(KAZAKH.replace("і", "i")) == Lang.KK


@pytest.mark.parametrize(
    "text",
    ["Электр энергиясының тарифі көтеріледі деп хабарлады министрлік",
     "Энергетика министрі тарифтер туралы брифинг өткізді"],
)  # fmt: skip
def test_kazakh_without_its_strong_letters_is_still_kazakh(text: str) -> None:
    # No ә ғ қ ұ, but і with ң/ө/ү: Kazakh, not Ukrainian.
    assert detect_language(text) == Lang.KK


def test_ukrainian_is_not_kazakh() -> None:
    text = "Сьогодні в Києві пройшла нарада щодо енергетичної безпеки країни та цін на газ"
    assert detect_language(text) not in (Lang.KK, Lang.RU)


@pytest.mark.parametrize("text", ["", "   ", "Алматы", "water", "🌍🔥💧", "12 345,67", "ОК да"])
def test_too_short_text_is_und(text: str) -> None:
    assert detect_language(text) == Lang.UND


def test_half_russian_half_kazakh_is_und() -> None:
    assert detect_language(RUSSIAN + " " + KAZAKH) == Lang.UND


def test_half_cyrillic_half_latin_is_und() -> None:
    assert detect_language(RUSSIAN + " " + ENGLISH) == Lang.UND


def test_other_languages_go_to_langdetect() -> None:
    german = (
        "Die Regierung hat auf ihrer Sitzung über die Nutzung der Wasserressourcen beraten. "
        "Nach Angaben des Ministers wird die Fläche der bewässerten Felder in diesem Jahr wachsen."
    )
    ukrainian = (
        "На засіданні уряду обговорили питання водних ресурсів. За словами міністра, цього року "
        "площа зрошуваних земель збільшиться, а старі канали будуть відремонтовані."
    )
    assert detect_language(german) == Lang.DE
    assert detect_language(ukrainian) == Lang.UK


def test_detection_is_deterministic() -> None:
    text = "Ceci est un texte court mais français, avec quelques mots de plus pour être sûr."
    answers = {detect_language(text) for _ in range(5)}
    assert answers == {Lang.FR}


def test_declared_language_breaks_a_tie_only() -> None:
    mixed = RUSSIAN + " " + KAZAKH
    assert detect_language(mixed, declared_lang="kk-KZ") == Lang.KK
    assert detect_language(RUSSIAN, declared_lang="kk") == Lang.RU
