"""sendMessage and friends through python-telegram-bot's own Bot (issue 5, part 2)."""

import pytest
import telegram
from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden


async def test_valid_html_message_is_accepted_and_shown_as_plain_text(bot, user, loose_telegram):
    await bot.send_message(user.id, "<b>Water</b> &amp; soil", parse_mode="HTML")
    assert loose_telegram.messages(user.id)[-1].text == "Water & soil"


async def test_sent_message_comes_back_with_its_entities(bot, user):
    sent = await bot.send_message(user.id, "<i>Dala</i> digest", parse_mode="HTML")
    assert sent.entities[0].type == "italic"


async def test_unsupported_tag_gives_cant_parse_entities(bot, user):
    with pytest.raises(BadRequest) as caught:
        await bot.send_message(user.id, "one<br>two", parse_mode="HTML")
    assert (
        caught.value.message == 'Can\'t parse entities: unsupported start tag "br" at byte offset 3'
    )


async def test_cant_parse_entities_has_telegrams_exact_description(bot, user, loose_telegram):
    with pytest.raises(BadRequest):
        await bot.send_message(user.id, "<b>open", parse_mode="HTML")
    assert loose_telegram.calls("sendMessage")[-1].description == (
        "Bad Request: can't parse entities: Can't find end tag corresponding to start tag \"b\""
    )


async def test_text_of_4096_characters_is_accepted(bot, user):
    await bot.send_message(user.id, "я" * 4096)


async def test_text_over_4096_characters_after_parsing_is_too_long(bot, user):
    with pytest.raises(BadRequest, match="Message is too long"):
        await bot.send_message(user.id, "<b>" + "я" * 4097 + "</b>", parse_mode="HTML")


async def test_raw_text_over_32768_bytes_is_too_long_even_if_short_once_parsed(bot, user):
    with pytest.raises(BadRequest, match="Text is too long"):
        await bot.send_message(user.id, "<b></b>" * 4700 + "x", parse_mode="HTML")


async def test_raw_text_of_32768_bytes_is_accepted(bot, user, loose_telegram):
    raw = "<b></b>" * 4680 + "x" * 8
    assert len(raw.encode()) == 32768
    await bot.send_message(user.id, raw, parse_mode="HTML")
    assert loose_telegram.messages(user.id)[-1].text == "x" * 8


async def test_markup_does_not_count_towards_the_length(bot, user):
    await bot.send_message(user.id, "<b>" + "я" * 4096 + "</b>", parse_mode="HTML")


async def test_emoji_count_as_two_utf16_units(bot, user):
    with pytest.raises(BadRequest, match="Message is too long"):
        await bot.send_message(user.id, "🏟" * 2049)


async def test_text_empty_after_parsing_is_refused(bot, user):
    with pytest.raises(BadRequest, match="Message text is empty"):
        await bot.send_message(user.id, "<b> </b>", parse_mode="HTML")


async def test_unknown_chat_gives_chat_not_found(bot):
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(424242, "hello")


async def test_user_who_never_wrote_cannot_be_messaged(bot, loose_telegram):
    stranger = loose_telegram.create_user("Bek", "kk")
    with pytest.raises(Forbidden, match="bot can't initiate conversation with a user"):
        await bot.send_message(stranger.id, "hello")


async def test_callback_data_of_64_bytes_is_accepted(bot, user):
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("ok", callback_data="x" * 64)]])
    await bot.send_message(user.id, "pick", reply_markup=keyboard)


async def test_callback_data_over_64_bytes_gives_button_data_invalid(bot, user):
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("ok", callback_data="ж" * 33)]])
    with pytest.raises(BadRequest, match="Button_data_invalid"):
        await bot.send_message(user.id, "pick", reply_markup=keyboard)


async def test_button_without_action_is_refused(bot, user, loose_telegram):
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("just text")]])
    with pytest.raises(BadRequest):
        await bot.send_message(user.id, "pick", reply_markup=keyboard)
    assert "Text buttons are unallowed" in loose_telegram.calls("sendMessage")[-1].description


async def test_edit_changes_the_message_in_place(bot, user, loose_telegram):
    sent = await bot.send_message(user.id, "draft")
    await bot.edit_message_text("final", user.id, sent.message_id)
    shown = loose_telegram.message(user.id, sent.message_id)
    assert (shown.text, shown.edited_at is not None) == ("final", True)


async def test_edit_to_the_same_content_gives_message_is_not_modified(bot, user):
    sent = await bot.send_message(user.id, "same")
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_text("same", user.id, sent.message_id)


async def test_edit_of_only_the_keyboard_is_a_modification(bot, user):
    sent = await bot.send_message(user.id, "same")
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Go", callback_data="go")]])
    await bot.edit_message_text("same", user.id, sent.message_id, reply_markup=keyboard)


async def test_edit_reply_markup_to_the_same_keyboard_is_not_modified(bot, user):
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Go", callback_data="go")]])
    sent = await bot.send_message(user.id, "pick", reply_markup=keyboard)
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_reply_markup(user.id, sent.message_id, reply_markup=keyboard)


async def test_editing_a_missing_message_gives_message_to_edit_not_found(bot, user):
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await bot.edit_message_text("x", user.id, 999)


async def test_deleted_message_is_marked_deleted(bot, user, loose_telegram):
    sent = await bot.send_message(user.id, "oops")
    await bot.delete_message(user.id, sent.message_id)
    assert loose_telegram.message(user.id, sent.message_id).deleted


async def test_deleting_twice_gives_message_to_delete_not_found(bot, user):
    sent = await bot.send_message(user.id, "oops")
    await bot.delete_message(user.id, sent.message_id)
    with pytest.raises(BadRequest, match="Message to delete not found"):
        await bot.delete_message(user.id, sent.message_id)


async def test_document_upload_is_received_with_its_file_name(bot, user, loose_telegram):
    await bot.send_document(
        user.id, b"a,b\n1,2\n", filename="digest.csv", caption="<b>CSV</b>", parse_mode="HTML"
    )
    shown = loose_telegram.messages(user.id)[-1]
    assert (shown.kind, shown.file_name, shown.caption) == ("document", "digest.csv", "CSV")


async def test_caption_over_1024_characters_is_too_long(bot, user):
    with pytest.raises(BadRequest, match="Message caption is too long"):
        await bot.send_photo(user.id, b"\x89PNG fake", caption="x" * 1025)


async def test_chat_action_is_recorded(bot, user, loose_telegram):
    await bot.send_chat_action(user.id, "typing")
    assert loose_telegram.calls("sendChatAction")[-1].params == {
        "chat_id": user.id,
        "action": "typing",
    }


async def test_unknown_chat_action_is_refused(bot, user):
    with pytest.raises(BadRequest, match="Wrong parameter action in request"):
        await bot.send_chat_action(user.id, "dancing")


async def test_commands_are_stored_per_language(bot):
    await bot.set_my_commands([("start", "Начать")], language_code="ru")
    assert [c.command for c in await bot.get_my_commands(language_code="ru")] == ["start"]


async def test_deleted_commands_are_gone(bot):
    await bot.set_my_commands([("start", "Start")])
    await bot.delete_my_commands()
    assert await bot.get_my_commands() == ()


async def test_command_with_capital_letters_is_invalid(bot):
    with pytest.raises(BadRequest, match="Bot_command_invalid"):
        await bot.set_my_commands([("Start", "Start")])


async def test_command_description_over_256_characters_is_invalid(bot):
    with pytest.raises(BadRequest, match="Bot_command_description_invalid"):
        await bot.set_my_commands([("start", "x" * 257)])


async def test_command_description_of_256_characters_is_accepted(bot):
    await bot.set_my_commands([("start", "x" * 256)])
    assert (await bot.get_my_commands())[0].description == "x" * 256


async def test_rejected_calls_are_recorded_with_their_description(bot, loose_telegram):
    with pytest.raises(BadRequest):
        await bot.send_message(1, "x")
    call = loose_telegram.calls("sendMessage")[-1]
    assert (call.ok, call.error_code, call.description) == (
        False,
        400,
        "Bad Request: chat not found",
    )


async def test_webhook_url_is_reported_until_deleted(bot):
    await bot.set_webhook("https://example.org/hook")
    assert (await bot.get_webhook_info()).url == "https://example.org/hook"


async def test_get_me_names_the_bot_of_the_token(bot):
    assert (await bot.get_me()).id == 123456


def test_ptb_maps_telegrams_bad_request_prefix():
    # The descriptions above are matched as PTB shows them: "Bad Request: " cut, first letter up.
    assert telegram.error.BadRequest("Bad Request: chat not found").message == "Chat not found"
