"""Speed of the analysis against `langdetect.detect` alone, side by side on the same articles.

    python bench/analysis_speed.py [CORPUS.jsonl] [--articles 1000]

Articles of the corpus (JSON lines with "text" and optional "title") are cycled to reach
the requested count. Both are warmed up first (langdetect loads its profiles on first
use). Peak memory of each workload is measured in a fresh subprocess (max RSS).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import platform
import resource
import subprocess
import sys
import time
from importlib import metadata
from itertools import cycle, islice
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "dev.jsonl"
sys.path.insert(0, str(ROOT))


def load_articles(path: Path, count: int) -> list[tuple[str, str | None]]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    items = [(row.get("text") or "", row.get("title")) for row in rows]
    return list(islice(cycle(items), count))


def run_ours(articles: list[tuple[str, str | None]]) -> float:
    from bot.core.analysis import Analyzer

    analyzer = Analyzer.load()
    analyzer.analyze(*articles[0])
    start = time.perf_counter()
    for text, title in articles:
        analyzer.analyze(text, title)
    return time.perf_counter() - start


def run_langdetect(articles: list[tuple[str, str | None]]) -> float:
    from langdetect import DetectorFactory, detect
    from langdetect.lang_detect_exception import LangDetectException

    DetectorFactory.seed = 0
    detect(articles[0][0])
    start = time.perf_counter()
    for text, _ in articles:
        with contextlib.suppress(LangDetectException):
            detect(text)
    return time.perf_counter() - start


WORKLOADS = {"ours": run_ours, "langdetect": run_langdetect}
CHILDREN = [*WORKLOADS, "baseline"]


def child(workload: str, corpus: Path, count: int) -> None:
    """Run one workload in this (fresh) process and print its time and peak RSS as JSON."""
    articles = load_articles(corpus, count)
    seconds = WORKLOADS[workload](articles) if workload != "baseline" else 0.0
    print(json.dumps({"seconds": seconds, "peak_mib": peak_rss_kib() / 1024}))


def peak_rss_kib() -> int:
    """Peak resident memory of this process. VmHWM is reset by exec; ru_maxrss may not be."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def measure(workload: str, corpus: Path, count: int) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, __file__, str(corpus), "--articles", str(count), "--child", workload],
        capture_output=True, text=True, check=True, cwd=ROOT,
    )  # fmt: skip
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--child", choices=CHILDREN, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.corpus, args.articles)
        return
    articles = load_articles(args.corpus, args.articles)
    chars = sum(len(text) + len(title or "") for text, title in articles)
    # Time both in this one process, side by side, then memory each in its own process.
    ours_s = run_ours(articles)
    langdetect_s = run_langdetect(articles)
    base_mem = measure("baseline", args.corpus, args.articles)
    ours_mem = measure("ours", args.corpus, args.articles)
    langdetect_mem = measure("langdetect", args.corpus, args.articles)
    n = len(articles)
    print(f"data:     {args.corpus} ({n} articles cycled, mean {chars / n:.0f} chars)")
    print(
        f"versions: python {platform.python_version()}, "
        f"langdetect {metadata.version('langdetect')}, dala {metadata.version('dala')}"
    )
    print(
        f"machine:  {platform.machine()} {platform.processor() or ''} {platform.system()}".rstrip()
    )
    print()
    header = f"{'workload':<46} {'ms/article':>10} {'articles/s':>10} {'peak RSS MiB':>12}"
    print(header)
    print("-" * len(header))
    rows = [
        ("ours: Analyzer.analyze (lang+topics+summary)", ours_s, ours_mem),
        ("langdetect.detect (language only)", langdetect_s, langdetect_mem),
    ]
    for name, seconds, mem in rows:
        print(
            f"{name:<46} {seconds / n * 1000:>10.3f} {n / seconds:>10.0f} {mem['peak_mib']:>12.1f}"
        )
    baseline = "(python + corpus loaded, nothing run)"
    print(f"{baseline:<46} {'':>10} {'':>10} {base_mem['peak_mib']:>12.1f}")
    print()
    print(f"ratio ours / langdetect: {ours_s / langdetect_s:.3f} "
          f"(ours is {langdetect_s / ours_s:.1f}x faster)")  # fmt: skip


if __name__ == "__main__":
    main()
