"""The README and CI stay true to the code (sqlite-utils test_docs style)."""

from __future__ import annotations

import re

import pytest

from bot.__main__ import _parser
from bot.config import Settings

from .conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _commands() -> list[str]:
    sub = next(a for a in _parser()._actions if a.dest == "command")
    return sorted(sub.choices)  # type: ignore[arg-type]


@pytest.mark.parametrize("command", _commands())
def test_every_cli_command_is_in_the_readme(command: str) -> None:
    assert re.search(rf"`{command}[ `]", README), f"README does not describe `{command}`"


@pytest.mark.parametrize("setting", sorted(f.alias or "" for f in Settings.model_fields.values()))
def test_every_setting_is_in_the_readme(setting: str) -> None:
    assert f"`{setting}`" in README


def test_ci_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in README
    assert ci.strip().splitlines()[-1] == "make test"
