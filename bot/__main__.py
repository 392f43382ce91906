"""Command line: `python -m bot run|demo|sandbox|ingest|articles|analyze|eval`. Wires everything."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError

from bot import log
from bot.config import ROOT, Settings
from bot.core.errors import DalaError

if TYPE_CHECKING:
    from bot.core.analysis import Analyzer
    from bot.services.store import Store

DEMO_TOPICS = ("rare_earths", "water")


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        settings = Settings()
    except ValidationError as exc:
        print(f"error: bad setting: {_first_error(exc)}", file=sys.stderr)
        return 2
    log.setup(settings.log_level, settings.log_format)
    log.add_secret(settings.token)
    try:
        code: int = args.handler(args, settings)
    except DalaError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return code


def _first_error(exc: ValidationError) -> str:
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err["loc"]) or "settings"
    return f"{where}: {err['msg']}"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="Dala: multilingual news on resources and ecology, as Telegram digests.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser(
        "run",
        help="run the Telegram bot (the offline demo when TELEGRAM_BOT_TOKEN is not set)",
        description="Run the bot against TELEGRAM_API_URL. Without TELEGRAM_BOT_TOKEN it runs "
        "the offline demo instead.",
    )
    p.add_argument(
        "--deliver-only",
        action="store_true",
        help="do not receive updates: only send due digests (run any number of these beside "
        "one full process, with PostgreSQL)",
    )
    p.add_argument(
        "--no-deliver",
        action="store_true",
        help="receive updates, poll feeds and send alerts, but leave digests to `deliver` "
        "processes",
    )
    p.set_defaults(handler=cmd_run)

    p = sub.add_parser(
        "deliver",
        help="a delivery-only process (same as run --deliver-only)",
        description="Send due digests without receiving updates. Several can run against one "
        "PostgreSQL database; each digest is claimed by exactly one process.",
    )
    p.set_defaults(handler=cmd_deliver)

    p = sub.add_parser(
        "demo",
        help="load seeds/ into a local SQLite file and show a sample digest",
        description="Offline demo: ingest the seed articles into data/demo.db and print what a "
        "reader subscribed to rare earths and water would receive.",
    )
    p.add_argument("--db", type=Path, default=ROOT / "data" / "demo.db", help="SQLite file")
    p.add_argument(
        "--topics", default=",".join(DEMO_TOPICS), help="comma-separated topic ids to show"
    )
    p.set_defaults(handler=cmd_demo)

    p = sub.add_parser(
        "ingest",
        help="add articles from files, folders, feeds or pages",
        description="Ingest each PATH_OR_URL (a .txt/.md/.html/.json/.jsonl file, a folder of "
        "them, an RSS/Atom feed URL or a web page URL). Prints per source what was taken and "
        "skipped. Exits non-zero only when nothing at all could be read.",
    )
    p.add_argument("sources", nargs="+", metavar="PATH_OR_URL")
    p.set_defaults(handler=cmd_ingest)

    p = sub.add_parser(
        "articles",
        help="list the stored articles, newest first",
        description="List the article store, newest first.",
    )
    p.add_argument("--topic", metavar="ID", help="only articles with this topic id")
    p.add_argument("--lang", metavar="XX", help="only articles in this language (ru, kk, pl, en…)")
    p.add_argument("--limit", type=int, default=10_000, help="at most this many (default 10000)")
    p.add_argument("--json", action="store_true", help="one JSON object per line")
    p.set_defaults(handler=cmd_articles)

    p = sub.add_parser(
        "analyze",
        help="analyse JSON lines from stdin (no database)",
        description='Read JSON lines {"id", "text", "title"?} on stdin; write one JSON line per '
        "input with id, lang, topics, title and summary. Nothing else goes to stdout.",
    )
    p.set_defaults(handler=cmd_analyze)

    p = sub.add_parser(
        "eval",
        help="measure language and topic quality against a labelled JSONL file",
        description="Print language accuracy and topic precision/recall/F1 against the labels "
        "of FILE (shaped like ../shared/corpus/dev.jsonl).",
    )
    p.add_argument("file", type=Path, metavar="FILE.jsonl")
    p.set_defaults(handler=cmd_eval)

    p = sub.add_parser(
        "sandbox",
        help="chat with the bot offline in the terminal (local fake Telegram)",
        description="Start a local fake Telegram server and the bot against it, with the seeds "
        "loaded, and chat with it in the terminal as a user.",
    )
    p.add_argument("--language", default="en", help="the simulated user's Telegram language")
    p.add_argument(
        "--data-dir",
        type=Path,
        default=ROOT / "data",
        help="where the sandbox keeps its SQLite file and the bot's log (default data/)",
    )
    p.set_defaults(handler=cmd_sandbox)
    return parser


def _analyzer(settings: Settings) -> Analyzer:
    from bot.core.analysis import Analyzer

    return Analyzer.load(settings.taxonomy_path)


def _store(url: str, analyzer: Analyzer) -> Store:
    from bot.services import topics
    from bot.services.store import Store

    store = Store.open(url)
    topics.sync(store, analyzer.taxonomy)
    return store


def cmd_ingest(args: argparse.Namespace, settings: Settings) -> int:
    from bot.core.fetch import Fetcher
    from bot.services import pipeline
    from bot.services.parallel import PooledAnalyzer

    analyzer = _analyzer(settings)
    store = _store(settings.database_url, analyzer)
    with (
        Fetcher(timeout_s=settings.fetch_timeout_s, max_bytes=settings.fetch_max_bytes) as f,
        PooledAnalyzer(analyzer) as pooled,
    ):
        reports = pipeline.ingest_locators(
            store, pooled, f, args.sources, max_file_bytes=settings.fetch_max_bytes
        )
    for report in reports:
        print(report.line())
        for error in report.errors if report.ok else report.errors[1:]:
            print(f"  error: {error}")
        for warning in report.warnings:
            print(f"  warning: {warning}")
    store.close()
    return 0 if any(r.ok for r in reports) else 1


def cmd_articles(args: argparse.Namespace, settings: Settings) -> int:
    from bot.services import articles
    from bot.services.store import Store

    store = Store.open(settings.database_url)
    items = articles.latest(store, topic_id=args.topic, lang=args.lang, limit=args.limit)
    for a in items:
        if args.json:
            print(json.dumps(_article_json(a), ensure_ascii=False))
        else:
            topics = ", ".join(f"{t.topic_id} {t.score:.2f}" for t in a.topics) or "-"
            date = a.published_at.date().isoformat() if a.published_at else "----------"
            print(f"{a.id:>6} {date} [{a.lang}] {a.title}  ({topics})")
    if not args.json:
        print(f"{len(items)} article(s)", file=sys.stderr)
    store.close()
    return 0


def _article_json(a: object) -> dict[str, object]:
    from bot.core.models import StoredArticle

    assert isinstance(a, StoredArticle)
    return {
        "id": a.id,
        "title": a.title,
        "url": a.url,
        "lang": a.lang.value,
        "published_at": a.published_at.isoformat() if a.published_at else None,
        "ingested_at": a.ingested_at.isoformat(),
        "source": a.source,
        "story_id": a.story_id,
        "summary": a.summary,
        "topics": [{"id": t.topic_id, "score": t.score, "terms": list(t.terms)} for t in a.topics],
    }


def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    from bot.core import digest
    from bot.core.models import Lang
    from bot.services import articles, pipeline

    analyzer = _analyzer(settings)
    store = _store(f"sqlite:///{args.db.resolve()}", analyzer)
    report = pipeline.ingest_path(
        store, analyzer, settings.seeds_dir, max_file_bytes=settings.fetch_max_bytes
    )
    print(f"Loaded the seed articles into {args.db}: {report.line()}\n")
    wanted = frozenset(t.strip() for t in args.topics.split(",") if t.strip())
    names = {t.id: t.names[Lang.EN] for t in analyzer.taxonomy.topics}
    unknown = sorted(wanted - names.keys())
    if unknown:
        print(f"error: unknown topic(s) {', '.join(unknown)}; known: {', '.join(names)}")
        return 2
    shown = digest.compose(articles.latest(store, limit=1000), digest.Interest(wanted))
    print(f"A reader subscribed to {', '.join(names[t] for t in sorted(wanted))} would receive:\n")
    print(digest.render_text(shown, names) if not shown.empty else "(nothing matches yet)\n")
    store.close()
    print("Set TELEGRAM_BOT_TOKEN to run the real bot; `python -m bot sandbox` chats offline.")
    return 0


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    if settings.token is None:
        print("TELEGRAM_BOT_TOKEN is not set: running the offline demo.\n", file=sys.stderr)
        code = cmd_demo(_parser().parse_args(["demo"]), settings)
        if code != 0 or not sys.stdin.isatty():
            return code
        # A person at a terminal: go on into the offline chat with the real bot.
        from bot.sandbox import run_sandbox

        sandbox_code: int = run_sandbox(settings)
        return sandbox_code
    if args.deliver_only and args.no_deliver:
        print("error: --deliver-only and --no-deliver exclude each other", file=sys.stderr)
        return 2
    return _serve(
        settings, settings.token, updates=not args.deliver_only, deliver=not args.no_deliver
    )


def cmd_deliver(args: argparse.Namespace, settings: Settings) -> int:
    if settings.token is None:
        print("error: TELEGRAM_BOT_TOKEN is not set; a delivery process needs it", file=sys.stderr)
        return 2
    return _serve(settings, settings.token, updates=False)


def _serve(settings: Settings, token: str, *, updates: bool, deliver: bool = True) -> int:
    from bot import scheduling
    from bot.telegram import application
    from bot.telegram.context import Deps
    from bot.telegram.i18n import Catalog

    analyzer = _analyzer(settings)
    store = _store(settings.database_url, analyzer)
    deps = Deps(settings=settings, store=store, analyzer=analyzer, catalog=Catalog.load())
    app = application.build(deps, token)
    scheduling.install(app, updates=updates, deliver=deliver)
    log.get("bot").info(
        "bot.starting", updates=updates, deliver=deliver, api=settings.telegram_api_url
    )
    try:
        application.run(app, updates=updates)
    finally:
        store.close()
    return 0


def cmd_analyze(args: argparse.Namespace, settings: Settings) -> int:
    from bot.core.evaluation import analyze_stream

    return analyze_stream(sys.stdin, sys.stdout, _analyzer(settings))


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    from bot.core.evaluation import evaluate, format_report

    if not args.file.is_file():
        print(f"error: {args.file}: no such file", file=sys.stderr)
        return 2
    print(format_report(evaluate(args.file, _analyzer(settings))))
    return 0


def cmd_sandbox(args: argparse.Namespace, settings: Settings) -> int:
    from bot.sandbox import run_sandbox

    code: int = run_sandbox(settings, language=args.language, data_dir=args.data_dir)
    return code


if __name__ == "__main__":
    sys.exit(main())
