"""Inline keyboards, built from data (the taxonomy, the catalog), never per topic by hand."""

from __future__ import annotations

from collections.abc import Collection

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.core.models import PRODUCT_LANGS, Lang, Profile
from bot.core.topics import Taxonomy
from bot.telegram import callbacks as cb
from bot.telegram.i18n import Catalog

#: Topics per page of the picker: ten buttons in two columns fit a phone screen.
TOPICS_PER_PAGE = 10


def topic_pages(taxonomy: Taxonomy) -> int:
    return max(1, -(-len(taxonomy) // TOPICS_PER_PAGE))


def topics(
    taxonomy: Taxonomy, catalog: Catalog, lang: Lang, chosen: Collection[str], page: int
) -> InlineKeyboardMarkup:
    pages = topic_pages(taxonomy)
    page = min(max(page, 0), pages - 1)
    shown = taxonomy.topics[page * TOPICS_PER_PAGE : (page + 1) * TOPICS_PER_PAGE]
    buttons = [
        InlineKeyboardButton(
            ("✓ " if t.id in chosen else "") + t.name(lang),
            callback_data=cb.ToggleTopic(page, t.id, follow=t.id not in chosen).pack(),
        )
        for t in shown
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    nav = []
    if page > 0:
        nav.append(_button(catalog.t(lang, "topics.prev"), cb.TopicsPage(page - 1)))
    if page < pages - 1:
        nav.append(_button(catalog.t(lang, "topics.next"), cb.TopicsPage(page + 1)))
    nav.append(_button(catalog.t(lang, "topics.done"), cb.TopicsDone()))
    rows.append(nav)
    return InlineKeyboardMarkup(rows)


def article_langs(catalog: Catalog, lang: Lang, chosen: Collection[Lang]) -> InlineKeyboardMarkup:
    names = dict(catalog.languages())
    return InlineKeyboardMarkup(
        [
            [
                _button(("✓ " if code in chosen else "") + names[code], cb.ToggleArticleLang(code))
                for code in PRODUCT_LANGS
            ]
        ]
    )


def interface_langs(catalog: Catalog, current: Lang) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                _button(("✓ " if code is current else "") + name, cb.SetInterfaceLang(code))
                for code, name in catalog.languages()
            ]
        ]
    )


def mysubs(catalog: Catalog, profile: Profile) -> InlineKeyboardMarkup:
    lang = profile.language
    alerts = "mysubs.button_alerts_on" if profile.alerts else "mysubs.button_alerts_off"
    pause = (
        (catalog.t(lang, "mysubs.button_resume"), cb.MySubsAction("resume"))
        if profile.paused
        else (catalog.t(lang, "mysubs.button_pause"), cb.MySubsAction("pause"))
    )
    return InlineKeyboardMarkup(
        [
            [
                _button(catalog.t(lang, "mysubs.button_topics"), cb.MySubsAction("topics")),
                _button(catalog.t(lang, "mysubs.button_languages"), cb.MySubsAction("langs")),
            ],
            [_button(catalog.t(lang, alerts), cb.MySubsAction("alerts")), _button(*pause)],
        ]
    )


def search_pages(
    catalog: Catalog, lang: Lang, key: str, page: int, pages: int
) -> InlineKeyboardMarkup | None:
    nav = []
    if page > 1:
        nav.append(_button(catalog.t(lang, "search.prev"), cb.SearchPage(page - 1, key)))
    if page < pages:
        nav.append(_button(catalog.t(lang, "search.next"), cb.SearchPage(page + 1, key)))
    return InlineKeyboardMarkup([nav]) if nav else None


def forget(catalog: Catalog, lang: Lang) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                _button(catalog.t(lang, "forget.yes"), cb.Forget(confirmed=True)),
                _button(catalog.t(lang, "forget.no"), cb.Forget(confirmed=False)),
            ]
        ]
    )


def _button(text: str, data: cb.Callback) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=data.pack())
