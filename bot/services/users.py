"""Readers: start, settings, pause, forget. Each function is one use case the bot calls."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time

from bot.core import schedule, timezones
from bot.core.models import PRODUCT_LANGS, Lang, Profile
from bot.services.store import Store
from storage import users
from storage.tables import Subscription, User


def start(
    store: Store, *, user_id: int, chat_id: int, language: Lang, timezone: str, now: datetime
) -> tuple[Profile, bool]:
    """Create the reader, or reactivate one who blocked the bot; True when new."""
    with store.write() as session:
        user = users.get(session, user_id)
        created = user is None
        if user is None:
            user = users.create(
                session,
                User(id=user_id, chat_id=chat_id, language=language.value, timezone=timezone),
            )
        user.chat_id = chat_id
        user.active = True
        user.next_digest_at = _next_at(user, now)
        session.add(user)
        return to_profile(user, users.subscriptions(session, user_id)), created


def get(store: Store, user_id: int) -> Profile | None:
    with store.read() as session:
        user = users.get(session, user_id)
        return None if user is None else to_profile(user, users.subscriptions(session, user_id))


def language_of(store: Store, user_id: int) -> Lang | None:
    with store.read() as session:
        user = users.get(session, user_id)
        return None if user is None else _lang(user.language)


def set_time(store: Store, user_id: int, at: time, *, now: datetime) -> Profile:
    return _update(store, user_id, now, digest_time=at.strftime("%H:%M"))


def set_timezone(store: Store, user_id: int, zone_name: str, *, now: datetime) -> Profile:
    return _update(store, user_id, now, timezone=zone_name)


def set_frequency(
    store: Store, user_id: int, frequency: schedule.Frequency, *, now: datetime
) -> Profile:
    return _update(store, user_id, now, frequency=frequency.value)


def set_alerts(store: Store, user_id: int, on: bool, *, now: datetime) -> Profile:
    return _update(store, user_id, now, alerts=on)


def set_language(store: Store, user_id: int, language: Lang, *, now: datetime) -> Profile:
    return _update(store, user_id, now, language=language.value)


def toggle_article_lang(store: Store, user_id: int, lang: Lang, *, now: datetime) -> Profile:
    profile = _require(store, user_id)
    langs = set(profile.article_langs) ^ {lang}
    ordered = [code.value for code in PRODUCT_LANGS if code in langs]
    return _update(store, user_id, now, article_langs=",".join(ordered))


def set_paused(store: Store, user_id: int, paused: bool, *, now: datetime) -> Profile:
    return _update(store, user_id, now, paused=paused)


def deactivate(store: Store, user_id: int) -> None:
    """Telegram says the reader blocked the bot or is gone: stop sending until /start."""
    with store.write() as session:
        user = users.get(session, user_id)
        if user is not None:
            user.active = False
            session.add(user)


def forget(store: Store, user_id: int) -> None:
    with store.write() as session:
        users.forget(session, user_id)


def _require(store: Store, user_id: int) -> Profile:
    profile = get(store, user_id)
    if profile is None:
        raise LookupError(f"user {user_id} has not started the bot")
    return profile


def _update(store: Store, user_id: int, now: datetime, **changes: object) -> Profile:
    with store.write() as session:
        user = users.get(session, user_id)
        if user is None:
            raise LookupError(f"user {user_id} has not started the bot")
        for name, value in changes.items():
            setattr(user, name, value)
        user.next_digest_at = _next_at(user, now)
        session.add(user)
        return to_profile(user, users.subscriptions(session, user_id))


def _next_at(user: User, now: datetime) -> datetime | None:
    if user.paused or not user.active:
        return None
    return schedule.next_digest_at(
        local_time=schedule.parse_time(user.digest_time),
        zone=timezones.load_zone(user.timezone),
        frequency=schedule.Frequency(user.frequency),
        now=now,
    )


def _lang(code: str) -> Lang:
    try:
        return Lang(code)
    except ValueError:
        return Lang.EN


def to_profile(user: User, subs: Sequence[Subscription]) -> Profile:
    return Profile(
        user_id=user.id,
        chat_id=user.chat_id,
        language=_lang(user.language),
        timezone=user.timezone,
        digest_time=user.digest_time,
        frequency=user.frequency,
        alerts=user.alerts,
        article_langs=frozenset(_lang(c) for c in user.article_langs.split(",") if c),
        paused=user.paused,
        active=user.active,
        topics=frozenset(s.topic_id for s in subs if s.topic_id),
        keywords=tuple(s.keyword for s in subs if s.keyword),
        next_digest_at=user.next_digest_at,
        last_digest_at=user.last_digest_at,
        created_at=user.created_at,
    )


def move_chat(store: Store, user_id: int, chat_id: int) -> None:
    """Telegram moved the chat (a group upgraded to a supergroup): send to the new id."""
    with store.write() as session:
        user = users.get(session, user_id)
        if user is not None:
            user.chat_id = chat_id
            session.add(user)
