"""The command line as an operator uses it: real processes on a real SQLite file (issue #3)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urljoin

import pytest

from .conftest import ROOT, SEEDS
from .httpserver import REALWORLD, realworld_content_types, realworld_manifest, serve_in_thread

DATA = Path(__file__).resolve().parent / "data"

COMMANDS = ["run", "deliver", "demo", "ingest", "articles", "analyze", "eval", "sandbox"]


def _bot(*args: str, db: Path | None = None, **env: str) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if k != "TELEGRAM_BOT_TOKEN"}
    if db is not None:
        full_env["DATABASE_URL"] = f"sqlite:///{db}"
    full_env.update(env)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command: str) -> None:
    result = _bot(command, "--help")
    assert result.returncode == 0
    assert "usage: python -m bot " + command in result.stdout


def test_ingest_prints_what_each_source_gave(tmp_path: Path) -> None:
    result = _bot("ingest", str(SEEDS), db=tmp_path / "d.db")
    assert result.returncode == 0, result.stderr
    assert f"{SEEDS}: took 5 skipped 1 (1 unsupported file type)" in result.stdout


def test_ingest_twice_says_why_it_skipped(tmp_path: Path) -> None:
    _bot("ingest", str(SEEDS), db=tmp_path / "d.db")
    result = _bot("ingest", str(SEEDS), db=tmp_path / "d.db")
    assert result.returncode == 0
    assert "took 0 skipped 6 (1 duplicate (same text)" not in result.stdout
    assert "took 0 skipped 6 (4 duplicate (same text), 1 duplicate (same url)" in result.stdout


def test_ingest_exits_non_zero_only_when_nothing_could_be_read(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    only_bad = _bot("ingest", str(tmp_path / "empty.txt"), "/no/such", db=tmp_path / "d.db")
    mixed = _bot("ingest", str(tmp_path / "empty.txt"), str(SEEDS), db=tmp_path / "d.db")
    assert only_bad.returncode == 1
    assert "empty.txt" in only_bad.stdout and "/no/such" in only_bad.stdout
    assert mixed.returncode == 0
    assert "empty.txt" in mixed.stdout


def test_articles_json_lists_the_store(tmp_path: Path) -> None:
    _bot("ingest", str(SEEDS), db=tmp_path / "d.db")
    result = _bot("articles", "--json", db=tmp_path / "d.db")
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == 5
    assert {"id", "title", "url", "lang", "topics", "summary", "published_at"} <= rows[0].keys()
    polish = [r for r in rows if r["lang"] == "pl"]
    assert polish[0]["url"].startswith("https://www.duw.pl/")


def test_articles_filters_by_language_and_topic(tmp_path: Path) -> None:
    _bot("ingest", str(SEEDS), db=tmp_path / "d.db")
    kk = _bot("articles", "--json", "--lang", "kk", db=tmp_path / "d.db")
    assert {json.loads(line)["lang"] for line in kk.stdout.splitlines()} == {"kk"}
    water = _bot("articles", "--json", "--topic", "water", db=tmp_path / "d.db")
    for line in water.stdout.splitlines():
        assert "water" in {t["id"] for t in json.loads(line)["topics"]}


def test_run_without_token_falls_back_to_the_offline_demo(tmp_path: Path) -> None:
    result = _bot("run", SEEDS_DIR=str(SEEDS))
    assert result.returncode == 0, result.stderr
    assert "offline demo" in result.stderr
    assert "would receive" in result.stdout


def test_demo_shows_rare_earths_and_water_items(tmp_path: Path) -> None:
    result = _bot("demo", "--db", str(tmp_path / "demo.db"))
    assert result.returncode == 0, result.stderr
    assert "== Rare earths" in result.stdout
    assert "== Water" in result.stdout


def test_two_ingests_at_once_store_each_article_once(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "TELEGRAM_BOT_TOKEN"}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'd.db'}"
    _bot("articles", db=tmp_path / "d.db")  # create the schema first
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "bot", "ingest", str(SEEDS)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    result = _bot("articles", "--json", db=tmp_path / "d.db")
    assert len(result.stdout.splitlines()) == 5


def test_analyze_writes_one_json_line_per_input_and_nothing_else() -> None:
    lines = [
        {"id": "a", "text": "Казахстан увеличит добычу редкоземельных металлов и лития. " * 4},
        {"id": "b", "text": "", "title": "Пусто"},
        {"id": "c", "text": "🙂🙂🙂"},
    ]
    result = subprocess.run(
        [sys.executable, "-m", "bot", "analyze"],
        cwd=ROOT,
        input="\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == ["a", "b", "c"]
    assert out[0]["lang"] == "ru"
    assert "rare_earths" in {t["id"] for t in out[0]["topics"]}
    assert {"id", "lang", "topics", "title", "summary"} <= out[0].keys()
    assert out[2]["lang"] == "und" and out[2]["topics"] == [] and out[2]["title"]


def test_eval_prints_language_accuracy_and_topic_f1() -> None:
    corpus = ROOT.parent / "shared" / "corpus" / "dev.jsonl"
    if not corpus.is_file():
        pytest.skip(f"{corpus} is not here")
    result = _bot("eval", str(corpus))
    assert result.returncode == 0, result.stderr
    assert "micro" in result.stdout and "kk" in result.stdout


# -- the real-world corpus and the bad inputs of issue 3, item 8, over a local HTTP server


@pytest.fixture(scope="module")
def realworld_run(tmp_path_factory: pytest.TempPathFactory):
    """One `ingest` of every real-world file by URL, then `articles --json`."""
    if not (REALWORLD / "manifest.json").is_file():
        pytest.skip(f"the real-world corpus is not at {REALWORLD}")
    db = tmp_path_factory.mktemp("realworld") / "d.db"
    records = realworld_manifest()
    with serve_in_thread(REALWORLD, realworld_content_types()) as server:
        urls = {str(r["path"]): server.url(str(r["path"])) for r in records}
        ingest = _bot("ingest", *urls.values(), db=db)
    stored = [json.loads(line) for line in _bot("articles", "--json", db=db).stdout.splitlines()]
    return ingest, stored, urls


def _records(kind: str, expect: str) -> list[dict]:
    if not (REALWORLD / "manifest.json").is_file():
        return []
    return [r for r in realworld_manifest() if r["kind"] == kind and r["expect"] == expect]


def test_realworld_ingest_exits_zero_without_a_traceback(realworld_run) -> None:
    ingest, _, _ = realworld_run
    assert ingest.returncode == 0, ingest.stderr
    assert "Traceback" not in ingest.stdout + ingest.stderr


@pytest.mark.parametrize("record", _records("feed", "broken"), ids=lambda r: r["path"])
def test_realworld_broken_feed_gets_one_failed_line_naming_it(realworld_run, record) -> None:
    ingest, _, urls = realworld_run
    lines = [line for line in ingest.stdout.splitlines() if urls[record["path"]] in line]
    assert len(lines) == 1 and lines[0].startswith(urls[record["path"]] + ": failed: ")


@pytest.mark.parametrize("record", _records("feed", "ok"), ids=lambda r: r["path"])
def test_realworld_feed_entries_are_all_stored(realworld_run, record) -> None:
    _, stored, urls = realworld_run
    links = {a["url"] for a in stored}
    titles = {a["title"] for a in stored}
    found = [
        e
        for e in record["entries"]
        if (e["link"] and urljoin(urls[record["path"]], e["link"]) in links)
        or (e["title"] and e["title"] in titles)
    ]
    assert len(found) >= record["min_entries"]


@pytest.mark.parametrize("record", _records("page", "ok"), ids=lambda r: r["path"])
def test_realworld_page_is_stored_with_its_title(realworld_run, record) -> None:
    _, stored, urls = realworld_run
    (article,) = [a for a in stored if a["url"] == urls[record["path"]]]
    assert article["title"] == record["title"]


def test_each_bad_input_gets_one_line_naming_it_and_the_good_one_is_stored(
    tmp_path: Path,
) -> None:
    served = tmp_path / "served"
    served.mkdir()
    (served / "not-a-feed.xml").write_bytes(b"hello, this is not XML at all")
    (served / "scripts.html").write_bytes((DATA / "article-with-scripts.html").read_bytes())
    files = tmp_path / "files"
    files.mkdir()
    (files / "empty.txt").write_bytes(b"")
    (files / "binary.txt").write_bytes(bytes(range(256)) * 64)
    with (files / "huge.txt").open("wb") as huge:
        huge.truncate(50 * 1024 * 1024)
    types = {"not-a-feed.xml": "application/rss+xml", "scripts.html": "text/html"}
    with serve_in_thread(served, types) as server:
        bad = [
            str(files / "empty.txt"),
            str(files / "binary.txt"),
            str(files / "huge.txt"),
            server.url("not-a-feed.xml"),
            server.url("500"),
            server.url("slow"),
        ]
        good = [str(SEEDS), server.url("scripts.html")]
        result = _bot("ingest", *bad, *good, db=tmp_path / "d.db", FETCH_TIMEOUT_S="1")
    lines = result.stdout.splitlines()
    assert result.returncode == 0, result.stderr
    assert len(lines) == len(bad) + len(good)
    assert [line.split(": failed: ")[0] for line in lines[: len(bad)]] == bad
    assert lines[-2:] == [
        f"{SEEDS}: took 5 skipped 1 (1 unsupported file type)",
        f"{server.url('scripts.html')}: took 1 skipped 0",
    ]
