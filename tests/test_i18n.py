"""Interface texts in kk, ru, en and pl (issue #6)."""

from __future__ import annotations

import html
import re
import string
from pathlib import Path

import pytest

from bot.core.errors import ConfigError
from bot.core.models import PRODUCT_LANGS, Lang
from bot.fakebot.entities import parse_html
from bot.telegram.application import ADMIN_COMMANDS, COMMANDS
from bot.telegram.i18n import MESSAGES_DIR, Catalog, interface_lang, plural_form


def test_every_catalog_has_every_key_with_the_same_placeholders() -> None:
    assert Catalog.load().problems() == []


def test_a_catalog_missing_a_key_fails_to_load(tmp_path: Path) -> None:
    for f in MESSAGES_DIR.glob("*.toml"):
        (tmp_path / f.name).write_text(f.read_text(encoding="utf-8"), encoding="utf-8")
    pl = tmp_path / "pl.toml"
    pl.write_text(
        pl.read_text(encoding="utf-8").replace('slow_down = "', 'slow_downx = "'), encoding="utf-8"
    )
    with pytest.raises(ConfigError, match=r"pl: missing error\.slow_down"):
        Catalog.load(tmp_path)


@pytest.mark.parametrize(
    ("lang", "n", "form"),
    [
        (Lang.RU, 1, "one"),
        (Lang.RU, 21, "one"),
        (Lang.RU, 3, "few"),
        (Lang.RU, 11, "many"),
        (Lang.RU, 25, "many"),
        (Lang.PL, 1, "one"),
        (Lang.PL, 21, "many"),
        (Lang.PL, 22, "few"),
        (Lang.PL, 12, "many"),
        (Lang.EN, 1, "one"),
        (Lang.EN, 0, "other"),
        (Lang.KK, 2, "other"),
    ],
)
def test_plural_forms_follow_cldr(lang: Lang, n: int, form: str) -> None:
    assert plural_form(lang, n) == form


def test_russian_plural_of_articles_reads_right() -> None:
    catalog = Catalog.load()
    assert [catalog.plural(Lang.RU, "articles", n) for n in (1, 3, 5)] == [
        "1 статья",
        "3 статьи",
        "5 статей",
    ]


def test_arguments_are_html_escaped() -> None:
    text = Catalog.load().t(Lang.EN, "subscribe.keyword_added", keyword="<b>&")
    assert "&lt;b&gt;&amp;" in text


@pytest.mark.parametrize(
    ("code", "lang"),
    [("kk", Lang.KK), ("ru-RU", Lang.RU), ("pl", Lang.PL), ("de", Lang.EN), (None, Lang.EN)],
)
def test_interface_language_comes_from_the_client_language(code: str | None, lang: Lang) -> None:
    assert interface_lang(code) is lang


def _filled(text: str) -> str:
    """A catalog text with every placeholder replaced by an argument full of HTML specials."""
    fields = {name for _, name, _, _ in string.Formatter().parse(text) if name}
    return text.format(**{name: html.escape("<&> 12", quote=False) for name in fields})


@pytest.mark.parametrize("lang", PRODUCT_LANGS, ids=lambda lang: lang.value)
def test_every_text_is_telegram_html_the_fake_server_accepts(lang: Lang) -> None:
    texts = Catalog.load().texts[lang]
    for key, value in texts.items():
        if isinstance(value, str) and not key.startswith("meta."):
            parsed = parse_html(_filled(value))  # raises with Telegram's error text
            assert 1 <= len(parsed.text) <= 4096, key


@pytest.mark.parametrize("lang", PRODUCT_LANGS, ids=lambda lang: lang.value)
def test_every_menu_command_has_a_description_telegram_accepts(lang: Lang) -> None:
    catalog = Catalog.load()
    for name, _ in (*COMMANDS, *ADMIN_COMMANDS):
        assert 1 <= len(catalog.t(lang, f"commands.{name}")) <= 256, name


@pytest.mark.parametrize("lang", PRODUCT_LANGS, ids=lambda lang: lang.value)
def test_help_names_every_user_command(lang: Lang) -> None:
    text = Catalog.load().t(lang, "help.text")
    missing = [name for name, _ in COMMANDS if name != "help" and f"/{name}" not in text]
    assert missing == []


def test_kazakh_texts_glue_no_case_ending_onto_a_placeholder() -> None:
    # "{time}-де" is right for 08:00 (сегіз) and wrong for 07:30 (отыз → -да): the ending
    # follows the sound of the number, which a template cannot know.
    # An ordinal ("{page}-беті", page N) takes no harmony and stays allowed.
    case_ending = re.compile(r"\}-(?:[дтн]?[ае]н?|[ғқгк][ае])\b")
    texts = Catalog.load().texts[Lang.KK]
    glued = [k for k, v in texts.items() if isinstance(v, str) and case_ending.search(v)]
    assert glued == []


@pytest.mark.parametrize("lang", [Lang.EN, Lang.PL], ids=lambda lang: lang.value)
def test_english_and_polish_texts_use_their_own_quotation_marks(lang: Lang) -> None:
    texts = Catalog.load().texts[lang]
    guillemets = [k for k, v in texts.items() if isinstance(v, str) and ("«" in v or "»" in v)]
    assert guillemets == []
