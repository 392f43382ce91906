"""Callback data: short strings (≤ 64 bytes) parsed into typed values on the way in."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.models import Lang


@dataclass(frozen=True, slots=True)
class TopicsPage:
    page: int

    def pack(self) -> str:
        return f"tp:{self.page}"


@dataclass(frozen=True, slots=True)
class ToggleTopic:
    page: int
    topic_id: str

    def pack(self) -> str:
        return f"tt:{self.page}:{self.topic_id}"


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
                return TopicsPage(int(rest))
            case "tt":
                page, _, topic_id = rest.partition(":")
                return ToggleTopic(int(page), topic_id) if topic_id else None
            case "td":
                return TopicsDone()
            case "al":
                return ToggleArticleLang(Lang(rest))
            case "il":
                return SetInterfaceLang(Lang(rest))
            case "ms":
                return MySubsAction(rest) if rest in MYSUBS_ACTIONS else None
            case "sr":
                page, _, key = rest.partition(":")
                return SearchPage(int(page), key) if key else None
            case "fg":
                return Forget(rest == "yes") if rest in ("yes", "no") else None
    except ValueError:
        return None
    return None
