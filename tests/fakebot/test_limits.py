"""Flood control: 1 message/s per chat, 30/s overall, 20/min per group (issue 5, part 4).

The server's clock is a ManualClock: time moves by `advance`, never by sleeping.
"""

import pytest
from telegram.error import RetryAfter

from bot.fakebot.models import Limits


async def test_second_send_to_a_chat_within_a_second_gets_retry_after(timed_bot, timed_user):
    await timed_bot.send_message(timed_user.id, "one")
    with pytest.raises(RetryAfter) as caught:
        await timed_bot.send_message(timed_user.id, "two")
    assert str(caught.value) == "Flood control exceeded. Retry in 1 seconds"


async def test_429_has_telegrams_description_and_retry_after(timed_bot, timed_user, timed_telegram):
    await timed_bot.send_message(timed_user.id, "one")
    with pytest.raises(RetryAfter):
        await timed_bot.send_message(timed_user.id, "two")
    call = timed_telegram.calls("sendMessage")[-1]
    assert (call.error_code, call.description) == (429, "Too Many Requests: retry after 1")


async def test_send_a_second_later_is_accepted(timed_bot, timed_user, timed_telegram):
    await timed_bot.send_message(timed_user.id, "one")
    timed_telegram.clock.advance(1.0)
    await timed_bot.send_message(timed_user.id, "two")


async def test_burst_tolerance_allows_quick_sends(timed_bot, timed_user, timed_telegram):
    timed_telegram.set_limits(Limits(per_chat_burst=3))
    for text in ("one", "two", "three"):
        await timed_bot.send_message(timed_user.id, text)


async def test_31st_send_within_a_second_overall_gets_retry_after(timed_bot, timed_telegram):
    people = [timed_telegram.create_user(f"U{i}") for i in range(31)]
    for person in people:
        timed_telegram.send(person, "/start")
    for person in people[:30]:
        await timed_bot.send_message(person.id, "digest")
    with pytest.raises(RetryAfter):
        await timed_bot.send_message(people[30].id, "digest")


async def test_overall_window_slides(timed_bot, timed_telegram):
    people = [timed_telegram.create_user(f"U{i}") for i in range(31)]
    for person in people:
        timed_telegram.send(person, "/start")
    for person in people[:30]:
        await timed_bot.send_message(person.id, "digest")
        timed_telegram.clock.advance(0.02)
    timed_telegram.clock.advance(0.5)
    await timed_bot.send_message(people[30].id, "digest")


async def test_paid_broadcast_lifts_the_overall_limit(timed_bot, timed_telegram):
    people = [timed_telegram.create_user(f"U{i}") for i in range(31)]
    for person in people:
        timed_telegram.send(person, "/start")
    for person in people:
        await timed_bot.send_message(person.id, "digest", allow_paid_broadcast=True)


async def test_group_gets_20_messages_a_minute(timed_bot, timed_telegram):
    ann = timed_telegram.create_user()
    group = timed_telegram.create_group("Ecology", [ann])
    for _ in range(20):
        await timed_bot.send_message(group, "news")
        timed_telegram.clock.advance(1.0)
    with pytest.raises(RetryAfter):
        await timed_bot.send_message(group, "news")


async def test_limits_can_be_turned_off(timed_bot, timed_user, timed_telegram):
    timed_telegram.set_limits(Limits.off())
    for text in ("one", "two", "three"):
        await timed_bot.send_message(timed_user.id, text)


async def test_refused_sends_do_not_count(timed_bot, timed_user, timed_telegram):
    await timed_bot.send_message(timed_user.id, "one")
    with pytest.raises(RetryAfter):
        await timed_bot.send_message(timed_user.id, "two")
    timed_telegram.clock.advance(1.0)
    await timed_bot.send_message(timed_user.id, "three")
