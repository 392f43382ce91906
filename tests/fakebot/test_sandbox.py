"""The terminal chat, driven with piped input against a tiny echo bot (issue 5, part 6)."""

import asyncio
import io

import telegram
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.fakebot.sandbox import run_chat
from bot.fakebot.testing import TEST_TOKEN


async def echo_bot(bot: telegram.Bot, stop: asyncio.Event) -> None:
    """Answers text with its echo and a button; a press edits that message."""
    offset = None
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Again", callback_data="again")]])
    while not stop.is_set():
        for update in await bot.get_updates(offset=offset, timeout=1):
            offset = update.update_id + 1
            if update.message and update.message.text:
                text = f"echo: <b>{update.message.text}</b>"
                await bot.send_message(
                    update.message.chat.id, text, parse_mode="HTML", reply_markup=keyboard
                )
            elif update.callback_query:
                await update.callback_query.get_bot().answer_callback_query(
                    update.callback_query.id
                )
                await bot.edit_message_text(
                    "pressed",
                    update.callback_query.message.chat.id,
                    update.callback_query.message.message_id,
                )


async def chat_transcript(server, lines: str) -> str:
    ann = server.create_user("Ann", "en")
    out = io.StringIO()
    stop = asyncio.Event()
    async with telegram.Bot(TEST_TOKEN, base_url=server.bot_api_url) as bot:
        task = asyncio.create_task(echo_bot(bot, stop))
        await asyncio.to_thread(
            run_chat, server, ann, io.StringIO(lines), out, first_reply_s=5, quiet_s=0.3
        )
        stop.set()
        await task
    return out.getvalue()


async def test_typed_line_shows_the_bots_answer_as_plain_text(loose_telegram):
    transcript = await chat_transcript(loose_telegram, "hello\n/quit\n")
    assert "bot: echo: hello\n" in transcript


async def test_buttons_are_listed_with_numbers(loose_telegram):
    transcript = await chat_transcript(loose_telegram, "hello\n/quit\n")
    assert "    [1] Again\n" in transcript


async def test_typing_a_number_presses_the_button(loose_telegram):
    transcript = await chat_transcript(loose_telegram, "hello\n1\n/quit\n")
    assert "bot (edited): pressed\n" in transcript


async def test_end_of_input_ends_the_chat(loose_telegram):
    transcript = await chat_transcript(loose_telegram, "hello\n")
    assert transcript.endswith("> \n")
