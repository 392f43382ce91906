"""Settings and their documentation (issue #3)."""

from __future__ import annotations

import re

import pytest
from pydantic import ValidationError

from bot.config import Settings

from .conftest import ROOT


def _documented() -> set[str]:
    text = (ROOT / ".env.example").read_text(encoding="utf-8")
    return set(re.findall(r"^([A-Z][A-Z0-9_]*)=", text, flags=re.MULTILINE))


def test_env_example_lists_every_setting() -> None:
    names = {f.alias for f in Settings.model_fields.values()}
    assert names == _documented()


def test_every_setting_in_env_example_has_a_comment() -> None:
    lines = (ROOT / ".env.example").read_text(encoding="utf-8").splitlines()
    for i, line in enumerate(lines):
        if re.match(r"^[A-Z_]+=", line):
            assert lines[i - 1].startswith("#"), f"{line} has no comment above it"


def test_admin_ids_are_parsed_from_a_comma_list(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADMIN_IDS", "12, 34")
    assert Settings(_env_file=None).admin_ids == frozenset({12, 34})  # type: ignore[call-arg]


def test_bad_admin_ids_say_what_is_expected(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADMIN_IDS", "alice")
    with pytest.raises(ValidationError, match="Telegram user ids"):
        Settings(_env_file=None)  # type: ignore[call-arg]


def test_token_is_secret_in_repr(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghi")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert "ABCDEFGHIJ" not in repr(settings)
    assert settings.token == "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghi"
