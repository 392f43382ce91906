"""The HTTP test API, its Python client, and the server as its own process (issue 5, part 5)."""

import subprocess
import sys

import httpx
import pytest

from bot.fakebot.client import FakeTelegramClient
from bot.fakebot.errors import FakeTelegramError
from bot.fakebot.models import Fault, FaultKind, Limits
from bot.fakebot.server import FakeTelegram
from bot.fakebot.world import MessageTimeout


@pytest.fixture
def client(loose_telegram):
    with FakeTelegramClient(loose_telegram.url) as client:
        yield client


def test_client_offers_the_same_test_api_as_the_server():
    public = {name for name in dir(FakeTelegram) if not name.startswith("_")}
    server_only = {
        "start",
        "stop",
        "start_async",
        "stop_async",
        "world",
        "file_url",
        "wait_for_message_async",
    }
    assert public - server_only <= {name for name in dir(FakeTelegramClient)}


def test_client_creates_a_user_with_a_language(client):
    assert client.create_user("Aida", "kk").language_code == "kk"


def test_client_message_reaches_the_bot_as_an_update(client, loose_telegram):
    aida = client.create_user("Aida", "kk")
    client.send(aida, "/start")
    updates = httpx.post(f"{client.bot_api_url}1:t/getUpdates").json()["result"]
    assert updates[0]["message"]["entities"][0]["type"] == "bot_command"


def test_client_reads_what_the_bot_sent(client, loose_telegram):
    aida = client.create_user("Aida", "kk")
    client.send(aida, "/start")
    httpx.post(f"{client.bot_api_url}1:t/sendMessage", json={"chat_id": aida.id, "text": "Сәлем"})
    assert client.wait_for_message(aida.id, timeout_s=1).text == "Сәлем"


def test_client_wait_times_out_with_message_timeout(client):
    aida = client.create_user()
    with pytest.raises(MessageTimeout):
        client.wait_for_message(aida.id, timeout_s=0.1)


def test_client_surfaces_test_api_errors(client):
    with pytest.raises(FakeTelegramError, match="No simulated user"):
        client.send(42, "hi")


def test_client_sets_limits(client):
    client.set_limits(Limits(per_chat_burst=2))
    assert client.limits().per_chat_burst == 2


def test_client_injects_faults(client):
    client.add_fault(Fault(FaultKind.SERVER_ERROR, method="getMe", status=503))
    assert httpx.post(f"{client.bot_api_url}1:t/getMe").status_code == 503


def test_client_lists_calls(client):
    httpx.post(f"{client.bot_api_url}1:t/getMe")
    assert [c.method for c in client.calls("getMe")] == ["getMe"]


def test_server_runs_as_its_own_process_and_prints_its_url():
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.fakebot", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        url = process.stdout.readline().strip()
        with FakeTelegramClient(url) as client:
            assert client.create_user("Proc").first_name == "Proc"
    finally:
        process.terminate()
        process.wait(timeout=10)
