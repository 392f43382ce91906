"""Write api_subset.json: the methods the fake server carries out and the types their
parameters use, cut from the full api.json, so the server runs without ../shared.

    python -m bot.fakebot.make_subset [PATH/TO/api.json]
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

from bot.fakebot.methods import HANDLERS
from bot.fakebot.spec import PACKAGED_SUBSET, SHARED_API_JSON

ATTRIBUTION = {
    "source": "https://github.com/PaulSonOfLars/telegram-bot-api-spec (api.json)",
    "license": "MIT",
    "copyright": "Copyright (c) 2020 Paul Larsen",
    "note": "Trimmed by bot/fakebot/make_subset.py to the methods the fake server implements.",
}


def subset(full: dict[str, Any], method_names: list[str]) -> dict[str, Any]:
    """The named methods and every type reachable from their parameters."""
    methods = {name: full["methods"][name] for name in method_names if name in full["methods"]}
    wanted: set[str] = set()
    pending = [t for m in methods.values() for f in m.get("fields", []) for t in f["types"]]
    while pending:
        name = re.sub(r"^(Array of )+", "", pending.pop())
        if name in wanted or name not in full["types"]:
            continue
        wanted.add(name)
        kind = full["types"][name]
        pending.extend(kind.get("subtypes", []))
        pending.extend(t for f in kind.get("fields", []) for t in f["types"])
    return {
        "version": full["version"],
        "release_date": full.get("release_date"),
        "attribution": ATTRIBUTION,
        "methods": methods,
        "types": {name: full["types"][name] for name in sorted(wanted)},
    }


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    source = Path(args[0]) if args else SHARED_API_JSON
    full = json.loads(source.read_text(encoding="utf-8"))
    data = subset(full, sorted(HANDLERS))
    PACKAGED_SUBSET.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", "utf-8")
    print(f"{PACKAGED_SUBSET}: {len(data['methods'])} methods, {len(data['types'])} types")


if __name__ == "__main__":
    main()
