"""Digest composition: 100,000 readers over a window of 10,000 articles, in memory.

    python bench/compose_digests.py [--users 100000] [--articles 10000] [--render-users N]

Runs what a delivery tick runs after reading the database: the window is indexed and its
translations linked (`ArticleWindow.load`), then `Pool.compose` is called for every reader
with their topics, languages and keyword matches since their last digest, then
`bot.telegram.render.digest` turns digests into Telegram HTML messages.

Data, generated with a fixed seed: articles spread over the 7-day window in ru/kk/pl/en, each
with 1-3 of the taxonomy's topics (scores 1-10) and a title and summary recombined from the
seed articles' sentences; one in ten a reprint of an earlier one. Readers follow 1-4 topics;
40% restrict article languages; 10% have keyword matches; 85% are daily (last digest one day
ago), 15% weekly (seven days ago). The measurement runs in a child process so its peak memory
(VmHWM) is its own.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.core.digest import Interest  # noqa: E402
from bot.core.models import Lang, StoredArticle, TopicScore  # noqa: E402

NOW = datetime(2025, 11, 20, 6, 0, tzinfo=UTC)
LANGS = (Lang.RU, Lang.KK, Lang.PL, Lang.EN)


def _sentences() -> list[str]:
    out: list[str] = []
    for path in sorted((ROOT / "seeds").glob("*.txt")):
        text = re.sub(r"\s+", " ", path.read_text(encoding="utf-8"))
        out.extend(s for s in re.split(r"(?<=[.!?])\s+", text) if 40 <= len(s) <= 300)
    return out


def make_articles(n: int, topic_ids: list[str], rng: random.Random) -> list[StoredArticle]:
    sentences = _sentences()
    articles: list[StoredArticle] = []
    for i in range(1, n + 1):
        ingested = NOW - timedelta(days=7) + timedelta(seconds=i * 7 * 86400 / n)
        topics = tuple(
            TopicScore(t, round(rng.uniform(1, 10), 2), ("term",))
            for t in rng.sample(topic_ids, rng.randint(1, 3))
        )
        story = rng.randint(max(1, i - 200), i - 1) if i > 1 and rng.random() < 0.1 else None
        articles.append(
            StoredArticle(
                id=i,
                title=f"{rng.choice(sentences)[:120]} {i}",
                url=f"https://news.example/{i}",
                lang=LANGS[i % len(LANGS)],
                summary=" ".join(rng.sample(sentences, 2))[:300],
                published_at=ingested - timedelta(minutes=rng.randint(0, 600)),
                ingested_at=ingested,
                source="https://news.example/feed",
                topics=topics,
                story_id=story,
            )
        )
    return articles


def make_readers(
    n: int, topic_ids: list[str], n_articles: int, rng: random.Random
) -> list[tuple[Interest, datetime]]:
    readers = []
    for _ in range(n):
        topics = frozenset(rng.sample(topic_ids, rng.randint(1, 4)))
        langs = frozenset(rng.sample(LANGS, rng.randint(1, 2))) if rng.random() < 0.4 else None
        hits: dict[int, tuple[str, ...]] = {}
        if rng.random() < 0.1:
            for article_id in rng.sample(range(1, n_articles + 1), 20):
                hits[article_id] = ("keyword",)
        # Yesterday's (or last week's) digest went out during that tick's fan-out: 100,000
        # readers at 29 messages/s spread their last digests over about an hour.
        days = 7 if rng.random() < 0.15 else 1
        since = NOW - timedelta(days=days) + timedelta(seconds=rng.uniform(0, 3600))
        readers.append((Interest(topics, langs or frozenset(), hits), since))
    return readers


def measure(args: argparse.Namespace) -> dict[str, float]:
    from bot.core.analysis import Analyzer
    from bot.services.digests import ArticleWindow
    from bot.telegram import render
    from bot.telegram.i18n import Catalog

    rng = random.Random(7)
    taxonomy = Analyzer.load().taxonomy
    topic_ids = [t.id for t in taxonomy.topics]
    articles = make_articles(args.articles, topic_ids, rng)
    readers = make_readers(args.users, topic_ids, args.articles, rng)
    catalog = Catalog.load()

    start = time.perf_counter()
    window = ArticleWindow()
    window.load(articles)
    index_s = time.perf_counter() - start

    start = time.perf_counter()
    digests = []
    items = 0
    for interest, since in readers:
        digest = window.pool.compose(interest, since, now=NOW)
        items += sum(len(s.items) for s in digest.sections)
        digests.append(digest)
    compose_s = time.perf_counter() - start

    # The same without sharing: every digest composed from its candidates.
    alone = readers[: args.unshared_users]
    start = time.perf_counter()
    for interest, since in alone:
        window.pool.compose(interest, since, now=NOW, share=False)
    unshared_s = time.perf_counter() - start

    sample = digests[: args.render_users]
    start = time.perf_counter()
    messages = chars = 0
    for digest in sample:
        rendered = render.digest(digest, taxonomy, catalog, Lang.RU, UTC, NOW)
        messages += len(rendered)
        chars += sum(len(m.text) for m in rendered)
    render_s = time.perf_counter() - start
    return {
        "index_s": index_s,
        "compose_s": compose_s,
        "shared": window.pool.shared,
        "unshared_s": unshared_s,
        "unshared": len(alone),
        "render_s": render_s,
        "rendered": len(sample),
        "items": items / max(1, len(digests)),
        "empty": sum(d.empty for d in digests),
        "messages": messages / max(1, len(sample)),
        "chars": chars / max(1, messages),
        "links": len(window.stories),
        "peak_kib": _vm_hwm_kib(),
    }


def _vm_hwm_kib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return float(line.split()[1])
    return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--render-users", type=int, default=100_000)
    parser.add_argument("--unshared-users", type=int, default=5_000)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args)))
        return
    env = dict(os.environ, PYTHONHASHSEED="0")
    out = subprocess.run(
        [sys.executable, __file__, "--child", *sys.argv[1:]],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    r = json.loads(out.stdout.strip().splitlines()[-1])
    n = args.users
    rendered = r["rendered"]
    per_s = n / r["compose_s"]
    with_render = rendered / (r["compose_s"] * rendered / n + r["render_s"])
    rows = [
        ("data set", f"{n} readers x {args.articles} articles over 7 days (generated, seed 7)"),
        ("window index + translation links", f"{r['index_s']:.2f} s ({r['links']} links)"),
        ("compose", f"{per_s:,.0f} digests/s ({r['compose_s']:.1f} s for {n})"),
        ("  of which shared (same topics, langs, news)", f"{r['shared']:,}"),
        (
            "compose, nothing shared",
            f"{r['unshared'] / r['unshared_s']:,.0f} digests/s ({r['unshared']} readers)",
        ),
        ("compose + render (HTML messages)", f"{with_render:,.0f} digests/s ({rendered} rendered)"),
        ("items per digest / empty digests", f"{r['items']:.1f} / {r['empty']}"),
        ("messages per digest / chars", f"{r['messages']:.2f} / {r['chars']:.0f}"),
        ("peak memory (VmHWM, child)", f"{r['peak_kib'] / 1024:.0f} MiB"),
        ("python", platform.python_version()),
        ("python-telegram-bot", version("python-telegram-bot")),
        ("machine", f"{platform.machine()}, {os.cpu_count()} cores, {platform.system()}"),
    ]
    width = max(len(k) for k, _ in rows)
    print("Digest composition")
    for key, value in rows:
        print(f"  {key:<{width}}  {value}")


if __name__ == "__main__":
    main()
