"""Callback data: typed values packed into ≤ 64 bytes and parsed back; anything else is None
(a button of an older version, or forged data), never an exception (issue #6)."""

from __future__ import annotations

import pytest

from bot.core.models import Lang
from bot.telegram import callbacks as cb

EVERY_KIND: list[cb.Callback] = [
    cb.TopicsPage(0),
    cb.TopicsPage(3),
    cb.ToggleTopic(1, "rare_earths", follow=True),
    cb.ToggleTopic(0, "water", follow=False),
    cb.TopicsDone(),
    cb.ToggleArticleLang(Lang.KK),
    cb.SetInterfaceLang(Lang.PL),
    cb.MySubsAction("alerts"),
    cb.MySubsAction("pause"),
    cb.SearchPage(2, "0123456789"),
    cb.Forget(confirmed=True),
    cb.Forget(confirmed=False),
]


@pytest.mark.parametrize("value", EVERY_KIND, ids=lambda v: v.pack())
def test_every_callback_survives_a_round_trip(value: cb.Callback) -> None:
    assert cb.parse(value.pack()) == value


@pytest.mark.parametrize("value", EVERY_KIND, ids=lambda v: v.pack())
def test_packed_data_fits_telegrams_64_bytes(value: cb.Callback) -> None:
    assert len(value.pack().encode()) <= 64


def test_the_longest_topic_id_still_fits() -> None:
    assert len(cb.ToggleTopic(9999, "x" * 50, follow=True).pack().encode()) <= 64


@pytest.mark.parametrize(
    "data",
    [
        None,
        "",
        "zz:1",
        "tp:",
        "tp:-1",
        "tp:1_0",
        "tp:99999",
        "tt:0:water",  # the toggle of an older version: no follow flag
        "tt:0:2:water",
        "tt:0:1:",
        "tt:x:1:water",
        "al:xx",
        "al:und",
        "il:de",
        "ms:explode",
        "sr:1:",
        "sr:one:abc",
        "fg:maybe",
        "🙂",
    ],
)
def test_unknown_or_malformed_data_parses_to_none(data: str | None) -> None:
    assert cb.parse(data) is None
