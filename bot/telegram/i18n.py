"""Message catalogs: `messages/{en,ru,kk,pl}.toml`, loaded and checked once at start-up.

Texts are Telegram HTML. Arguments are HTML-escaped before they are inserted, so a title with
`<` or `&` can never break a message. Plural forms follow CLDR: one/other for English and Kazakh,
one/few/many for Russian and Polish.
"""

from __future__ import annotations

import html
import string
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.core.errors import ConfigError
from bot.core.models import PRODUCT_LANGS, Lang

MESSAGES_DIR = Path(__file__).resolve().parent / "messages"
DEFAULT = Lang.EN
PLURAL_FORMS: Mapping[Lang, tuple[str, ...]] = {
    Lang.EN: ("one", "other"),
    Lang.KK: ("one", "other"),
    Lang.RU: ("one", "few", "many"),
    Lang.PL: ("one", "few", "many"),
}


def plural_form(lang: Lang, n: int) -> str:
    """The CLDR plural category of a whole number."""
    n = abs(n)
    if lang in (Lang.RU, Lang.PL):
        last, last2 = n % 10, n % 100
        if n == 1 or (lang is Lang.RU and last == 1 and last2 != 11):
            return "one"
        if 2 <= last <= 4 and not 12 <= last2 <= 14:
            return "few"
        return "many"
    return "one" if n == 1 else "other"


def _flatten(data: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and not name.startswith("plural."):
            out.update(_flatten(value, name + "."))
        else:
            out[name] = value
    return out


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@dataclass(frozen=True)
class Catalog:
    texts: Mapping[Lang, Mapping[str, Any]]

    @classmethod
    def load(cls, folder: Path = MESSAGES_DIR) -> Catalog:
        texts: dict[Lang, dict[str, Any]] = {}
        for lang in PRODUCT_LANGS:
            path = folder / f"{lang.value}.toml"
            try:
                texts[lang] = _flatten(tomllib.loads(path.read_text(encoding="utf-8")))
            except (OSError, tomllib.TOMLDecodeError) as exc:
                raise ConfigError(f"message catalog {path}: {exc}") from exc
        catalog = cls(texts)
        problems = catalog.problems()
        if problems:
            raise ConfigError("message catalogs are inconsistent: " + "; ".join(problems[:10]))
        return catalog

    def problems(self) -> list[str]:
        """Keys missing in a language, placeholders that differ, wrong plural forms."""
        found: list[str] = []
        reference = self.texts[DEFAULT]
        all_keys = set().union(*(t.keys() for t in self.texts.values()))
        for lang, texts in self.texts.items():
            for key in sorted(all_keys - texts.keys()):
                found.append(f"{lang.value}: missing {key}")
            for key, value in texts.items():
                if key.startswith("plural."):
                    if not isinstance(value, dict) or set(value) != set(PLURAL_FORMS[lang]):
                        found.append(f"{lang.value}: {key} needs forms {PLURAL_FORMS[lang]}")
                elif not isinstance(value, str):
                    found.append(f"{lang.value}: {key} is not a string")
                elif key in reference and _fields(value) != _fields(str(reference[key])):
                    found.append(f"{lang.value}: {key} has placeholders {sorted(_fields(value))}")
        return found

    def t(self, lang: Lang | str, key: str, **args: object) -> str:
        """The text for `key` in `lang` (English if unknown) with escaped arguments."""
        texts = self.texts.get(_lang(lang), self.texts[DEFAULT])
        text = texts.get(key)
        if not isinstance(text, str):
            raise KeyError(f"no message {key!r}")
        return text.format(**{k: _escape(v) for k, v in args.items()}) if args else text

    def plural(self, lang: Lang | str, key: str, n: int) -> str:
        code = _lang(lang)
        forms = self.texts.get(code, self.texts[DEFAULT])[f"plural.{key}"]
        return str(forms[plural_form(code, n)]).format(n=n)

    def languages(self) -> list[tuple[Lang, str]]:
        return [(lang, str(self.texts[lang]["meta.name"])) for lang in PRODUCT_LANGS]


def _lang(value: Lang | str) -> Lang:
    try:
        lang = Lang(value)
    except ValueError:
        return DEFAULT
    return lang if lang in PRODUCT_LANGS else DEFAULT


def _escape(value: object) -> str:
    return value.html if isinstance(value, Html) else html.escape(str(value), quote=False)


@dataclass(frozen=True, slots=True)
class Html:
    """A value that is already safe Telegram HTML and must not be escaped again."""

    html: str

    def __str__(self) -> str:
        return self.html


def interface_lang(language_code: str | None) -> Lang:
    """The interface language for a Telegram client's `language_code` (en-US → en, uk → en)."""
    code = (language_code or "").split("-")[0].lower()
    return _lang(code)
