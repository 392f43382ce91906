"""Interface texts in kk, ru, en and pl (issue #6)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.errors import ConfigError
from bot.core.models import Lang
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
