"""Simulated people: buttons, blocking, media, reading and waiting (issue 5, part 3)."""

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, ChatMigrated, Forbidden

from bot.fakebot.errors import FakeTelegramError
from bot.fakebot.world import MessageTimeout

KEYBOARD = InlineKeyboardMarkup([[InlineKeyboardButton("Water", callback_data="topic:water")]])


async def test_pressing_a_button_gives_a_callback_query_with_the_message(bot, user, loose_telegram):
    sent = await bot.send_message(user.id, "Pick a topic", reply_markup=KEYBOARD)
    await bot.get_updates()
    loose_telegram.press(user, sent.message_id, "Water")
    (update,) = await bot.get_updates(offset=-1)
    query = update.callback_query
    assert (query.data, query.message.message_id, query.from_user.id) == (
        "topic:water",
        sent.message_id,
        user.id,
    )


async def test_answer_to_a_press_is_recorded(bot, user, loose_telegram):
    sent = await bot.send_message(user.id, "Pick", reply_markup=KEYBOARD)
    query_id = loose_telegram.press(user, sent.message_id, "topic:water")
    await bot.answer_callback_query(query_id, "Subscribed")
    assert loose_telegram.callback_answers()[-1].text == "Subscribed"


async def test_answering_a_query_twice_is_refused(bot, user, loose_telegram):
    sent = await bot.send_message(user.id, "Pick", reply_markup=KEYBOARD)
    query_id = loose_telegram.press(user, sent.message_id, "Water")
    await bot.answer_callback_query(query_id)
    with pytest.raises(BadRequest, match="Query is too old"):
        await bot.answer_callback_query(query_id)


async def test_pressing_a_missing_button_is_a_test_error(bot, user, loose_telegram):
    sent = await bot.send_message(user.id, "Pick", reply_markup=KEYBOARD)
    with pytest.raises(FakeTelegramError, match="No button 'Air'"):
        loose_telegram.press(user, sent.message_id, "Air")


async def test_blocked_user_gives_403_bot_was_blocked(bot, user, loose_telegram):
    loose_telegram.block(user)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(user.id, "digest")


async def test_blocking_tells_the_bot_through_my_chat_member(bot, user, loose_telegram):
    await bot.get_updates(offset=-1)
    loose_telegram.block(user)
    (update,) = await bot.get_updates(offset=-1)
    assert update.my_chat_member.new_chat_member.status == "kicked"


async def test_unblocked_user_can_be_messaged_again(bot, user, loose_telegram):
    loose_telegram.block(user)
    loose_telegram.unblock(user)
    await bot.send_message(user.id, "welcome back")


async def test_deactivated_user_gives_403_user_is_deactivated(bot, user, loose_telegram):
    loose_telegram.deactivate(user)
    with pytest.raises(Forbidden, match="user is deactivated"):
        await bot.send_message(user.id, "digest")


async def test_migrated_group_gives_the_new_chat_id(bot, loose_telegram):
    ann = loose_telegram.create_user()
    group = loose_telegram.create_group("Ecology", [ann])
    supergroup = loose_telegram.migrate_group(group)
    with pytest.raises(ChatMigrated) as caught:
        await bot.send_message(group, "news")
    assert caught.value.new_chat_id == supergroup


async def test_user_photo_reaches_the_bot_with_sizes(bot, loose_telegram):
    loose_telegram.send_photo(loose_telegram.create_user(), "river")
    (update,) = await bot.get_updates()
    assert (len(update.message.photo), update.message.caption) == (3, "river")


async def test_user_sticker_reaches_the_bot(bot, loose_telegram):
    loose_telegram.send_sticker(loose_telegram.create_user(), "🌊")
    (update,) = await bot.get_updates()
    assert update.message.sticker.emoji == "🌊"


async def test_message_ids_increase_per_chat(bot, user, loose_telegram):
    first = await bot.send_message(user.id, "one")
    second = await bot.send_message(user.id, "two")
    assert second.message_id == first.message_id + 1


async def test_private_chat_id_is_the_user_id(bot, user):
    sent = await bot.send_message(user.id, "hi")
    assert sent.chat.id == user.id


async def test_received_messages_carry_their_time(bot, user, loose_telegram):
    await bot.send_message(user.id, "hi")
    assert loose_telegram.messages(user.id)[-1].sent_at.tzinfo is not None


async def test_waiting_returns_each_bot_message_once_in_order(bot, user, loose_telegram):
    await bot.send_message(user.id, "one")
    await bot.send_message(user.id, "two")
    texts = [(await loose_telegram.wait_for_message_async(user.id, 1)).text for _ in range(2)]
    assert texts == ["one", "two"]


def test_waiting_without_a_message_times_out(loose_telegram, user):
    with pytest.raises(MessageTimeout):
        loose_telegram.wait_for_message(user.id, timeout_s=0.1)


async def test_user_messages_are_listed_on_request(bot, user, loose_telegram):
    await bot.send_message(user.id, "welcome")
    shown = loose_telegram.messages(user.id, include_user=True)
    assert [(m.from_bot, m.text) for m in shown] == [(False, "/start"), (True, "welcome")]
