"""Language accuracy and topic precision/recall/F1 of the analysis on a labelled corpus.

    python bench/classify_accuracy.py PATH [--misses]

PATH is a JSON-lines file shaped like ../shared/corpus/dev.jsonl (id, lang, title, text, topics).
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.core.analysis import DEFAULT_TAXONOMY_PATH, Analyzer  # noqa: E402
from bot.core.evaluation import evaluate, format_report  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--misses", action="store_true", help="list the articles it got wrong")
    parser.add_argument("--taxonomy", type=Path, default=DEFAULT_TAXONOMY_PATH)
    args = parser.parse_args()
    analyzer = Analyzer.load(args.taxonomy)
    start = time.perf_counter()
    report = evaluate(args.path, analyzer)
    seconds = time.perf_counter() - start
    print(f"taxonomy: {args.taxonomy}")
    print(
        f"versions: python {platform.python_version()}, dala {metadata.version('dala')}; "
        f"machine: {platform.machine()} {platform.system()}"
    )
    print(f"time:     {seconds:.2f} s for {report.articles} articles")
    print(format_report(report, show_misses=args.misses))


if __name__ == "__main__":
    main()
