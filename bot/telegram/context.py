"""The typed context handlers receive: `context.deps` gives the services, nothing else does."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, cast

from telegram.ext import Application, CallbackContext, ExtBot, JobQueue

from bot.config import Settings
from bot.core.analysis import Analyzer
from bot.core.throttle import Throttle
from bot.core.topics import Taxonomy
from bot.services.digests import ArticleWindow
from bot.services.store import Store
from bot.telegram.i18n import Catalog


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Deps:
    """What handlers and jobs need, built once in `bot.__main__` and handed to the application."""

    settings: Settings
    store: Store
    analyzer: Analyzer
    catalog: Catalog
    clock: Callable[[], datetime] = utc_now
    window: ArticleWindow = field(default_factory=ArticleWindow)
    throttle: Throttle = field(default_factory=Throttle)
    #: When this process started: buttons on messages sent before it carry state we no longer have.
    started_at: datetime = field(default_factory=utc_now)
    #: Called after an operator's /add stored new articles (the scheduler sends alerts).
    on_new_articles: Callable[[], None] | None = None

    @property
    def taxonomy(self) -> Taxonomy:
        return self.analyzer.taxonomy


BotData = dict[Any, Any]


class DalaApplication(
    Application[ExtBot[int], "DalaContext", BotData, BotData, BotData, JobQueue["DalaContext"]]
):
    """An Application that carries the `Deps`."""

    def __init__(self, *, deps: Deps, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.deps = deps


class DalaContext(CallbackContext[ExtBot[int], BotData, BotData, BotData]):
    @property
    def deps(self) -> Deps:
        return cast(DalaApplication, self.application).deps
