"""Callback data: short strings (≤ 64 bytes) parsed into typed values on the way in."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.models import PRODUCT_LANGS, Lang


@dataclass(frozen=True, slots=True)
class TopicsPage:
    page: int

    def pack(self) -> str:
        return f"tp:{self.page}"


@dataclass(frozen=True, slots=True)
class ToggleTopic:
    """A tap on a topic of the picker. It carries what the tap means (follow or stop), not
    "toggle": a button pressed twice before the message updates then follows once."""

    page: int
    topic_id: str
    follow: bool

    def pack(self) -> str:
        return f"tt:{self.page}:{int(self.follow)}:{self.topic_id}"


@dataclass(frozen=True, slots=True)
class TopicsDone:
    def pack(self) -> str:
        return "td"


@dataclass(frozen=True, slots=True)
class ToggleArticleLang:
    lang: Lang

    def pack(self) -> str:
        return f"al:{self.lang.value}"


@dataclass(frozen=True, slots=True)
class SetInterfaceLang:
    lang: Lang

    def pack(self) -> str:
        return f"il:{self.lang.value}"


@dataclass(frozen=True, slots=True)
class MySubsAction:
    action: str  # topics | langs | alerts | pause | resume

    def pack(self) -> str:
        return f"ms:{self.action}"


@dataclass(frozen=True, slots=True)
class SearchPage:
    page: int
    key: str  # the query is kept in chat_data under this key

    def pack(self) -> str:
        return f"sr:{self.page}:{self.key}"


@dataclass(frozen=True, slots=True)
class Forget:
    confirmed: bool

    def pack(self) -> str:
        return "fg:yes" if self.confirmed else "fg:no"


Callback = (
    TopicsPage
    | ToggleTopic
    | TopicsDone
    | ToggleArticleLang
    | SetInterfaceLang
    | MySubsAction
    | SearchPage
    | Forget
)
MYSUBS_ACTIONS = frozenset({"topics", "langs", "alerts", "pause", "resume"})


def parse(data: str | None) -> Callback | None:
    """The callback a button carries, or None for data this version does not know."""
    kind, _, rest = (data or "").partition(":")
    try:
        match kind:
            case "tp":
                return TopicsPage(_page(rest))
            case "tt":
                page, follow, topic_id = _split3(rest)
                if follow not in ("0", "1") or not topic_id:
                    return None
                return ToggleTopic(page, topic_id, follow=follow == "1")
            case "td":
                return TopicsDone()
            case "al":
                return ToggleArticleLang(_product_lang(rest))
            case "il":
                return SetInterfaceLang(_product_lang(rest))
            case "ms":
                return MySubsAction(rest) if rest in MYSUBS_ACTIONS else None
            case "sr":
                number, _, key = rest.partition(":")
                return SearchPage(_page(number), key) if key else None
            case "fg":
                return Forget(rest == "yes") if rest in ("yes", "no") else None
    except ValueError:
        return None
    return None


def _split3(text: str) -> tuple[int, str, str]:
    page, _, rest = text.partition(":")
    first, _, second = rest.partition(":")
    return _page(page), first, second


def _page(text: str) -> int:
    """A page number: a non-negative integer of a few digits (`int` alone takes "-1", " 1_0")."""
    if not text.isascii() or not text.isdigit() or len(text) > 4:
        raise ValueError(f"not a page number: {text!r}")
    return int(text)


def _product_lang(code: str) -> Lang:
    lang = Lang(code)
    if lang not in PRODUCT_LANGS:
        raise ValueError(f"not a product language: {code!r}")
    return lang
