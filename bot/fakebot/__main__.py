"""`python -m bot.fakebot --port P`: run the fake Bot API server and print its URL."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
from pathlib import Path

from bot.fakebot.models import Limits
from bot.fakebot.server import FakeTelegram, serve


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bot.fakebot", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--token", help="accept only this bot token (default: any)")
    parser.add_argument(
        "--api-json", type=Path, help="Bot API spec (default: ../shared or bundled)"
    )
    parser.add_argument("--no-limits", action="store_true", help="turn flood limits off")
    parser.add_argument(
        "--per-chat-burst", type=int, default=1, help="sends allowed per chat per second"
    )
    args = parser.parse_args(argv)
    limits = Limits.off() if args.no_limits else Limits(per_chat_burst=args.per_chat_burst)
    server = FakeTelegram(
        token=args.token, limits=limits, api_json=args.api_json, host=args.host, port=args.port
    )

    def ready(url: str) -> None:
        # The first line of output is the URL: a parent process reads it to connect.
        print(url, flush=True)
        print(f"bot API base_url: {url}/bot   test API: {url}/_fake/", file=sys.stderr)

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(server, ready))


if __name__ == "__main__":
    main()
