"""The Bot API spec: found in ../shared or shipped in the package (issue 5)."""

import json

import httpx

from bot.fakebot.make_subset import subset
from bot.fakebot.methods import HANDLERS
from bot.fakebot.server import FakeTelegram
from bot.fakebot.spec import PACKAGED_SUBSET, SHARED_API_JSON, ApiSpec


def test_packaged_subset_keeps_the_attribution():
    meta = json.loads(PACKAGED_SUBSET.read_text(encoding="utf-8"))["attribution"]
    assert (meta["license"], meta["copyright"]) == ("MIT", "Copyright (c) 2020 Paul Larsen")


def test_packaged_subset_has_every_implemented_method():
    spec = ApiSpec.load(PACKAGED_SUBSET)
    assert all(spec.method(name) for name in HANDLERS)


def test_packaged_subset_is_what_make_subset_writes_from_shared():
    full = json.loads(SHARED_API_JSON.read_text(encoding="utf-8"))
    assert subset(full, sorted(HANDLERS)) == json.loads(PACKAGED_SUBSET.read_text(encoding="utf-8"))


def test_server_validates_against_the_packaged_subset():
    with FakeTelegram(api_json=PACKAGED_SUBSET) as server:
        answer = httpx.post(f"{server.bot_api_url}1:t/sendMessage", json={"text": "hi"})
    assert answer.json()["description"] == "Bad Request: chat_id is empty"
