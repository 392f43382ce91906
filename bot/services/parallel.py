"""Bulk analysis on every core: a pool of worker processes, each with its own Analyzer.

Analysis is pure Python and CPU-bound, so threads would not help; a bulk ingest hands each
batch to the pool and writes the results itself (SQLite wants one writer anyway).
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from types import TracebackType

from bot.core.analysis import AnalysisInput, Analyzer
from bot.core.models import Analysis
from bot.core.topics import Taxonomy

_worker: Analyzer | None = None


def _init(analyzer: Analyzer) -> None:
    global _worker
    _worker = analyzer


def _analyze(item: AnalysisInput) -> Analysis:
    assert _worker is not None
    return _worker.analyze(*item)


class PooledAnalyzer:
    """The Analyzer's interface, with `analyze_many` spread over worker processes."""

    def __init__(self, analyzer: Analyzer, workers: int | None = None) -> None:
        self._analyzer = analyzer
        self.workers = workers or os.cpu_count() or 1
        # fork: workers start with the parent's loaded taxonomy instead of loading it again.
        self._pool = ProcessPoolExecutor(
            self.workers,
            mp_context=multiprocessing.get_context("fork"),
            initializer=_init,
            initargs=(analyzer,),
        )

    @property
    def taxonomy(self) -> Taxonomy:
        return self._analyzer.taxonomy

    def analyze(
        self, text: str, title: str | None = None, declared_lang: str | None = None
    ) -> Analysis:
        return self._analyzer.analyze(text, title, declared_lang)

    def analyze_many(self, items: Sequence[AnalysisInput]) -> list[Analysis]:
        if len(items) < 2 * self.workers:
            return self._analyzer.analyze_many(items)
        chunk = max(1, len(items) // (4 * self.workers))
        return list(self._pool.map(_analyze, items, chunksize=chunk))

    def close(self) -> None:
        self._pool.shutdown(cancel_futures=True)

    def __enter__(self) -> PooledAnalyzer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
