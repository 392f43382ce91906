"""Topics (issue 4, part 2): a taxonomy as data, inflection-proof terms, no passing mentions."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from bot.core.analysis import DEFAULT_TAXONOMY_PATH
from bot.core.errors import TaxonomyError
from bot.core.models import PRODUCT_LANGS, Lang
from bot.core.text import tokenize
from bot.core.topics import Taxonomy, compile_keyword

REQUIRED_IDS = {
    "rare_earths", "water", "green_tech", "energy", "waste",
    "climate", "air_quality", "ev", "cooperation", "investment",
}  # fmt: skip


@pytest.fixture(scope="module")
def taxonomy() -> Taxonomy:
    return Taxonomy.load(DEFAULT_TAXONOMY_PATH)


def raw_taxonomy() -> dict[str, Any]:
    return tomllib.loads(DEFAULT_TAXONOMY_PATH.read_text(encoding="utf-8"))


def topic_ids(taxonomy: Taxonomy, title: str, body: str, lang: Lang) -> set[str]:
    return {t.topic_id for t in taxonomy.classify(tokenize(title), tokenize(body), lang)}


def test_shipped_taxonomy_has_the_required_topics_named_in_every_language(taxonomy) -> None:
    assert set(taxonomy.ids) >= REQUIRED_IDS
    for topic in taxonomy.topics:
        assert set(topic.names) >= set(PRODUCT_LANGS)
        assert topic.description
        assert all(topic.terms.get(lang) for lang in PRODUCT_LANGS)


@pytest.mark.parametrize(
    ("name", "topic_id"),
    [("water", "water"), ("WATER", "water"), ("Водные ресурсы", "water"),
     ("су ресурстары", "water"), ("Woda", "water"), ("rare earths", "rare_earths"),
     ("Air quality", "air_quality"), ("Электромобили", "ev")],
)  # fmt: skip
def test_resolve_finds_a_topic_by_id_or_name_in_any_language(taxonomy, name, topic_id) -> None:
    topic = taxonomy.resolve(name)
    assert topic is not None
    assert topic.id == topic_id


def test_resolve_unknown_name_is_none(taxonomy) -> None:
    assert taxonomy.resolve("watr") is None


@pytest.mark.parametrize(
    ("lang", "title", "body", "topic_id"),
    [
        (Lang.RU, "Запасы редкоземельных металлов",
         "Геологи оценили запасы редкоземельных металлов. Добыча редкоземельных элементов начнётся "
         "через три года, сообщили в министерстве промышленности.", "rare_earths"),
        (Lang.PL, "Nowe złoże metali ziem rzadkich",
         "Geolodzy odkryli złoże metali ziem rzadkich. Wydobycie pierwiastków ziem rzadkich może "
         "ruszyć za kilka lat, podało ministerstwo.", "rare_earths"),
        (Lang.KK, "Ауылдарға ауыз су жеткізіледі",
         "Биыл үш ауылға ауыз су жеткізіледі. Судың сапасы тексеріліп, су ресурстарын үнемдеу "
         "үшін суармалы жерлерге жаңа жүйе орнатылады.", "water"),
        (Lang.EN, "Lithium deposit found",
         "Geologists found a lithium deposit. Lithium mining could begin in three years, the "
         "ministry said, and other critical minerals are being explored.", "rare_earths"),
    ],
)  # fmt: skip
def test_inflected_forms_find_their_topic(taxonomy, lang, title, body, topic_id) -> None:
    assert topic_id in topic_ids(taxonomy, title, body, lang)


def test_kazakh_su_matches_its_cases_but_not_suret(taxonomy) -> None:
    matcher = taxonomy.compile_keyword("су")
    for form in ["су", "суы", "суға", "суды", "судың", "суларының", "сумен"]:
        assert matcher.matches(form), form
    for other in ["сурет", "суретші", "сұрақ"]:
        assert not matcher.matches(other), other


def test_kazakh_endings_come_in_order(taxonomy) -> None:
    """Plural, possessive, case: "көлдердегі" is a lake, "көлемінде" (in volume) is not."""
    body = "Көлемінде де, сапасында да өзгеріс жоқ. Кентінде жаңа мектеп ашылды, деді әкім."
    assert "water" not in topic_ids(taxonomy, "Жаңалықтар", body, Lang.KK)
    lakes = (
        "Көлдердегі су деңгейі төмендеді. Өзендеріміздің суы азайып, суларының сапасы нашарлады."
    )
    assert "water" in topic_ids(taxonomy, "Көлдердегі су азайды", lakes, Lang.KK)


def test_a_word_counts_once_and_as_its_most_specific_term(taxonomy) -> None:
    # "инвестициялық" fits инвест*, инвестиция* and инвестициялық*: one word, one count.
    one = "Тараптар сауда мәселелерін талқылады. Кездесуде инвестициялық ахуал да сөз болды."
    assert "investment" not in topic_ids(taxonomy, "Кездесу өтті", one, Lang.KK)
    # "сутегі" (hydrogen) is сутег*, not су (water) with an ending.
    hydrogen = (
        "Маңғыстауда жасыл сутегі өндіру жобасы басталады. Сутегі электролиз арқылы алынады, "
        "ал жобаға жел мен күн энергиясы пайдаланылады."
    )
    found = topic_ids(taxonomy, "Жасыл сутегі жобасы", hydrogen, Lang.KK)
    assert "green_tech" in found
    assert "water" not in found


def test_weather_forecasts_are_not_air_quality(taxonomy) -> None:
    kk = (
        "Қазгидромет синоптиктері ауа райы болжамын жариялады. Елдің солтүстігінде жауын-шашын, "
        "тұман және екпінді жел күтіледі. Ауа температурасы түнде 5 градус аязға дейін төмендейді."
    )
    ru = (
        "По данным Казгидромета, в Астане переменная облачность, без осадков, ветер 7-12 м/с, "
        "температура воздуха днем +19+21. В Алматы без осадков, воздух прогреется до +27."
    )
    assert "air_quality" not in topic_ids(taxonomy, "Ауа райы болжамы", kk, Lang.KK)
    assert "air_quality" not in topic_ids(taxonomy, "Прогноз погоды", ru, Lang.RU)


def test_malformed_morphology_slots_raise_taxonomy_error() -> None:
    data = raw_taxonomy()
    data["morphology"]["kk"]["slots"] = [["лар"], []]
    with pytest.raises(TaxonomyError, match="slots"):
        Taxonomy.from_mapping(data)


def test_a_passing_mention_is_not_a_topic(taxonomy) -> None:
    body = (
        "Футбольный клуб провёл сбор перед новым сезоном. Тренер рассказал о составе команды, "
        "новых игроках и планах на чемпионат. После тренировки спортсмены пили воду и отдыхали. "
        "Первый матч сезона пройдёт в субботу на центральном стадионе города, билеты уже в продаже."
    )
    assert topic_ids(taxonomy, "Клуб готовится к сезону", body, Lang.RU) == set()


def test_matched_terms_explain_the_topic(taxonomy) -> None:
    scores = taxonomy.classify(
        tokenize("Smog over the city"),
        tokenize("Air pollution rose again. Smog and PM2.5 levels exceeded the norm for days."),
        Lang.EN,
    )
    air = next(s for s in scores if s.topic_id == "air_quality")
    assert "smog" in air.terms
    assert air.score >= 1.0


def test_a_new_topic_is_a_data_change(taxonomy) -> None:
    data = raw_taxonomy()
    data["topics"].append(
        {
            "id": "fisheries",
            "description": "Fish stocks and fishing.",
            "names": {"en": "Fisheries", "ru": "Рыболовство", "kk": "Балық шаруашылығы",
                      "pl": "Rybołówstwo"},
            "terms": {"en": ["fish*", "trawler*"], "ru": ["рыб*"], "kk": ["балық*"],
                      "pl": ["ryb~", "rybołówstw*"]},
        }
    )  # fmt: skip
    extended = Taxonomy.from_mapping(data)
    body = "Fishermen say fish stocks are falling. Trawlers catch fewer fish each year."
    assert "fisheries" in topic_ids(extended, "Fish stocks fall", body, Lang.EN)


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d["topics"][0].pop("names"), "names"),
        (lambda d: d["topics"][0]["names"].pop("kk"), "missing names"),
        (lambda d: d["topics"][0].update(id="Bad Id"), "lowercase identifier"),
        (lambda d: d["topics"].append(dict(d["topics"][0])), "duplicate"),
        (lambda d: d["topics"][0]["terms"].update(xx=["a"]), "not one of"),
        (lambda d: d["topics"][0]["terms"]["en"].append("water^heavy"), "bad weight"),
        (lambda d: d["topics"][0]["terms"]["en"].append("  "), "empty term"),
        (lambda d: d["topics"][0].update(threshold=-1), "threshold"),
        (lambda d: d.pop("topics"), r"no \[\[topics\]\]"),
    ],
)
def test_malformed_taxonomy_raises_taxonomy_error(mutate, message) -> None:
    data = raw_taxonomy()
    mutate(data)
    with pytest.raises(TaxonomyError, match=message):
        Taxonomy.from_mapping(data)


def test_unreadable_or_invalid_toml_raises_taxonomy_error(tmp_path: Path) -> None:
    with pytest.raises(TaxonomyError):
        Taxonomy.load(tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[[topics]\nid = ", encoding="utf-8")
    with pytest.raises(TaxonomyError, match="not valid TOML"):
        Taxonomy.load(bad)


@pytest.mark.parametrize(
    ("keyword", "text", "expected"),
    [
        ("lithium", "Kazakhstan's lithium deposits", True),
        ("Каспий", "Уровень Каспийского моря снижается", True),
        ("Каспий", "Каспию угрожает обмеление", True),
        ("rare earths", "a rare earth deposit", True),
        ("rare earths", "rare birds on earth", False),
        ("gas", "Gas prices and gases", True),
        ("gas", "a gasket failed", False),
        ("лити*", "литиевые батареи", True),
        ("Wisła", "powódź na Wiśle", False),
    ],
)
def test_keywords_match_inflected_forms(taxonomy, keyword, text, expected) -> None:
    assert compile_keyword(keyword, taxonomy.morphology).matches(text) is expected


def test_keyword_matcher_reports_which_keywords_matched(taxonomy) -> None:
    matcher = taxonomy.compile_keyword(["lithium", "cobalt", ""])
    assert matcher.keywords == ("lithium", "cobalt")
    assert matcher.matched("Cobalt prices rose") == ("cobalt",)
    assert not taxonomy.compile_keyword([]).matches("anything")
