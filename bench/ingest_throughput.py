"""Ingest throughput: N article files into a fresh SQLite store, end to end, analysis included.

    python bench/ingest_throughput.py [--articles 10000] [--keep DIR]

The files are made here from the seed articles' sentences (ru, kk, pl), recombined with
English sentences and numbers so each article is distinct text of realistic length (1-4 KB),
with a title line, a date line and a source URL, as files from a crawler would look. The
ingest runs as `python -m bot ingest DIR` in a child process, so its peak memory is its own.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

ENGLISH = [
    "Kazakhstan plans to expand lithium and tungsten exploration in the east of the country.",
    "The ministry said water losses in irrigation canals exceed a third of the intake.",
    "A new wind farm near Zhanatas will add 100 megawatts to the southern grid.",
    "Officials discussed the Aral Sea restoration programme with donors in Tashkent.",
    "Investors from the European Union signed a memorandum on critical raw materials.",
    "Air quality in Almaty worsened as the heating season began, monitoring data show.",
    "The city will open two more charging stations for electric buses next spring.",
    "A recycling plant for plastic waste started operating in Karaganda on Monday.",
]


def _sentences() -> dict[str, list[str]]:
    by_lang: dict[str, list[str]] = {"en": ENGLISH}
    for path in sorted((ROOT / "seeds").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        lang = (
            "pl"
            if "ą" in text or "ł" in text
            else ("kk" if re.search("[әғқңөұүі]", text) else "ru")
        )
        parts = re.split(r"(?<=[.!?])\s+", re.sub(r"\s+", " ", text))
        by_lang.setdefault(lang, []).extend(p for p in parts if 40 <= len(p) <= 400)
    return by_lang


def make_files(folder: Path, n: int, seed: int = 7) -> int:
    rng = random.Random(seed)
    pools = _sentences()
    langs = sorted(pools)
    total = 0
    for i in range(n):
        lang = langs[i % len(langs)]
        pool = pools[lang]
        body = " ".join(rng.choice(pool) for _ in range(rng.randint(6, 18)))
        body = f"{body} ({rng.randint(1, 10**9)})"
        title = rng.choice(pool)[:90]
        day = 1 + i % 28
        text = (
            f"{title}\n\n<https://news.example/{lang}/{i}>\n\n{day:02d}.11.2025, 09:00\n\n{body}\n"
        )
        (folder / f"{i:05d}.md").write_text(text, encoding="utf-8")
        total += len(text.encode())
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "articles"
        folder.mkdir()
        size = make_files(folder, args.articles)
        env = dict(os.environ, DATABASE_URL=f"sqlite:///{tmp}/bench.db", LOG_LEVEL="WARNING")
        env.pop("TELEGRAM_BOT_TOKEN", None)
        start = time.perf_counter()
        result = subprocess.run(
            [sys.executable, "-m", "bot", "ingest", str(folder)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        elapsed = time.perf_counter() - start
        peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if result.returncode != 0:
        sys.exit(f"ingest failed: {result.stdout}\n{result.stderr}")
    taken = int(re.search(r"took (\d+)", result.stdout).group(1))  # type: ignore[union-attr]
    rows = [
        ("data set", f"{args.articles} generated .md files, {size / 1e6:.1f} MB (ru/kk/pl/en)"),
        ("command", "python -m bot ingest DIR  (fresh SQLite, WAL)"),
        ("articles stored", f"{taken}"),
        ("wall time (incl. start-up)", f"{elapsed:.1f} s"),
        ("throughput", f"{taken / elapsed:.0f} articles/s"),
        ("peak memory (ingest process)", f"{peak_kb / 1024:.0f} MiB"),
        ("python", platform.python_version()),
        ("sqlalchemy / sqlmodel", f"{version('sqlalchemy')} / {version('sqlmodel')}"),
        ("machine", f"{platform.machine()}, {os.cpu_count()} cores, {platform.system()}"),
    ]
    width = max(len(k) for k, _ in rows)
    print("Ingest throughput")
    for key, value in rows:
        print(f"  {key:<{width}}  {value}")


if __name__ == "__main__":
    main()
