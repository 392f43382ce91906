"""Ingest throughput: N article files into a fresh SQLite store, end to end, analysis included.

    python bench/ingest_throughput.py [--articles 10000] [--corpus FILE]

The files are made here from real news sentences in ru, kk, pl and en: those of the labelled
corpus given with --corpus (read, never copied into the project), else the seed articles.
Each article recombines 6-18 random sentences of one language with a number, so texts are
distinct and of realistic length (1-4 KB), with a title line, a URL line and a date line, as
files from a crawler look. The ingest runs as `python -m bot ingest DIR` in a child process,
so its time and peak memory are its own.
"""

from __future__ import annotations

import argparse
import json
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


def _split(text: str) -> list[str]:
    parts = re.split(r"(?<=[.!?])\s+", re.sub(r"\s+", " ", text))
    return [p for p in parts if 40 <= len(p) <= 400 and p[0].isalpha()]


def _sentences(corpus: Path | None) -> dict[str, list[str]]:
    by_lang: dict[str, list[str]] = {"en": list(ENGLISH)}
    if corpus is not None and corpus.is_file():
        for line in corpus.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            by_lang.setdefault(record["lang"], []).extend(_split(record["text"]))
        return by_lang
    for path in sorted((ROOT / "seeds").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        lang = "pl" if "ł" in text else ("kk" if re.search("[әғқңөұү]", text) else "ru")
        by_lang.setdefault(lang, []).extend(_split(text))
    return by_lang


def make_files(folder: Path, n: int, corpus: Path | None, seed: int = 7) -> int:
    rng = random.Random(seed)
    pools = _sentences(corpus)
    langs = sorted(pools)
    total = 0
    for i in range(n):
        lang = langs[i % len(langs)]
        pool = pools[lang]
        body = " ".join(rng.choice(pool) for _ in range(rng.randint(6, 18)))
        body = f"{body} ({rng.randint(1, 10**9)})"
        title = rng.choice(pool)[:90].rstrip(" .")
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
    parser.add_argument(
        "--corpus", type=Path, default=ROOT.parent / "shared" / "corpus" / "dev.jsonl"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "articles"
        folder.mkdir()
        size = make_files(folder, args.articles, args.corpus)
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
        ("sentences from", str(args.corpus if args.corpus.is_file() else "seeds/")),
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
