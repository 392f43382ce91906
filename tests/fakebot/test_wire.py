"""The Bot API over raw HTTP: envelope, bodies, tokens, methods, parameters (issue 5, part 1)."""

import json

import httpx
import pytest

from bot.fakebot.testing import TEST_TOKEN


@pytest.fixture
def api(loose_telegram, user):
    with httpx.Client(base_url=f"{loose_telegram.bot_api_url}{TEST_TOKEN}/") as client:
        yield client


def test_json_body_is_accepted(api, user):
    answer = api.post("sendMessage", json={"chat_id": user.id, "text": "hi"}).json()
    assert (answer["ok"], answer["result"]["text"]) == (True, "hi")


def test_form_body_with_json_encoded_markup_is_accepted(api, user):
    markup = json.dumps({"inline_keyboard": [[{"text": "Go", "callback_data": "go"}]]})
    answer = api.post(
        "sendMessage", data={"chat_id": str(user.id), "text": "hi", "reply_markup": markup}
    )
    assert answer.json()["result"]["reply_markup"]["inline_keyboard"][0][0]["text"] == "Go"


def test_query_string_parameters_are_read(api):
    assert api.get("getMe").json()["result"]["is_bot"] is True


def test_method_names_are_case_insensitive(api):
    assert api.post("getme").json()["ok"] is True


def test_unknown_method_gives_404_method_not_found(api):
    answer = api.post("sendTelepathy")
    assert (answer.status_code, answer.json()) == (
        404,
        {"ok": False, "error_code": 404, "description": "Not Found: method not found"},
    )


def test_other_token_gives_401_invalid_token(loose_telegram, api):
    api.post("getMe")  # the first token used names the bot
    answer = httpx.post(f"{loose_telegram.bot_api_url}999:other/getMe")
    assert (answer.status_code, answer.json()["description"]) == (
        401,
        "Unauthorized: invalid token specified",
    )


def test_unknown_parameter_is_refused(api, user):
    answer = api.post("sendMessage", json={"chat_id": user.id, "text": "hi", "colour": "red"})
    assert answer.json()["description"] == 'Bad Request: unknown parameter "colour" of sendMessage'


def test_missing_chat_id_gives_chat_id_is_empty(api):
    assert (
        api.post("sendMessage", json={"text": "hi"}).json()["description"]
        == "Bad Request: chat_id is empty"
    )


def test_missing_text_gives_message_text_is_empty(api, user):
    answer = api.post("sendMessage", json={"chat_id": user.id})
    assert answer.json()["description"] == "Bad Request: message text is empty"


def test_parameter_of_the_wrong_type_is_refused(api, user):
    answer = api.post(
        "sendMessage", data={"chat_id": str(user.id), "text": "hi", "disable_notification": "maybe"}
    )
    assert answer.status_code == 400
    assert answer.json()["description"].startswith(
        'Bad Request: parameter "disable_notification" must be Boolean'
    )


def test_parameter_of_the_right_type_as_a_form_string_is_accepted(api, user):
    answer = api.post(
        "sendMessage", data={"chat_id": str(user.id), "text": "hi", "disable_notification": "true"}
    )
    assert answer.json()["ok"] is True


def test_empty_callback_data_gives_button_data_invalid(api, user):
    markup = {"inline_keyboard": [[{"text": "Go", "callback_data": ""}]]}
    answer = api.post(
        "sendMessage", json={"chat_id": user.id, "text": "hi", "reply_markup": markup}
    )
    assert answer.json()["description"] == "Bad Request: BUTTON_DATA_INVALID"


def test_markup_that_is_not_json_cannot_be_parsed(api, user):
    answer = api.post(
        "sendMessage", data={"chat_id": str(user.id), "text": "hi", "reply_markup": "{oops"}
    )
    assert (
        answer.json()["description"] == "Bad Request: can't parse reply keyboard markup JSON object"
    )


def test_inline_keyboard_must_be_an_array_of_arrays(api, user):
    markup = {"inline_keyboard": [{"text": "Go", "callback_data": "go"}]}
    answer = api.post(
        "sendMessage", json={"chat_id": user.id, "text": "hi", "reply_markup": markup}
    )
    assert answer.json()["description"] == (
        'Bad Request: field "inline_keyboard" of the InlineKeyboardMarkup '
        "should be an Array of Arrays"
    )


def test_bot_command_scope_is_checked_against_its_union(api):
    answer = api.post(
        "setMyCommands",
        json={
            "commands": [{"command": "start", "description": "Start"}],
            "scope": {"type": "chat"},
        },
    )
    assert answer.status_code == 400


def test_multipart_upload_is_accepted(api, user):
    answer = api.post(
        "sendDocument", data={"chat_id": str(user.id)}, files={"document": ("a.txt", b"abc")}
    )
    assert answer.json()["result"]["document"]["file_name"] == "a.txt"


def test_error_status_equals_error_code(api):
    answer = api.post("sendMessage", json={"chat_id": 1, "text": "hi"})
    assert answer.status_code == answer.json()["error_code"] == 400
