"""`python -m bot sandbox`: a person chats with the real bot offline (issue #5)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from ..conftest import ROOT


def test_sandbox_chat_driven_by_piped_input_shows_the_bot_answers(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("TELEGRAM_BOT_TOKEN", "CI")}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "sandbox", "--data-dir", str(tmp_path)],
        cwd=ROOT,
        env=env,
        input="/start\n/subscribe water\n/quit\n",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    out = result.stdout
    assert "Hello! I am Dala." in out  # the greeting, HTML rendered as plain text
    assert "<b>" not in out
    assert "[1]" in out or "1." in out  # buttons listed with numbers
    assert "You now follow the topic Water" in out
