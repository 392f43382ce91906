"""The analyze and eval commands (issue 4, parts 4 and 5): JSON lines, figures, quality bar."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.core.analysis import Analyzer
from bot.core.evaluation import analyze_stream, evaluate, format_report

ROOT = Path(__file__).resolve().parents[1]
DEV = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "dev.jsonl"


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer.load()


def run_stream(analyzer: Analyzer, lines: list[str]) -> tuple[int, list[dict], str]:
    out, err = io.StringIO(), io.StringIO()
    status = analyze_stream(io.StringIO("\n".join(lines) + "\n"), out, analyzer, err=err)
    return status, [json.loads(line) for line in out.getvalue().splitlines()], err.getvalue()


def test_analyze_writes_one_json_line_per_input(analyzer: Analyzer) -> None:
    lines = [
        json.dumps({"id": "a1", "text": "Smog covered the city again. Air pollution was high.",
                    "title": "Smog in Almaty"}),
        json.dumps({"id": 2, "text": "Ещё одна статья без заголовка. Второе предложение."}),
    ]  # fmt: skip
    status, records, err = run_stream(analyzer, lines)
    assert status == 0
    assert err == ""
    assert [r["id"] for r in records] == ["a1", 2]
    assert set(records[0]) == {"id", "lang", "topics", "title", "summary"}
    assert records[0]["lang"] == "en"
    assert records[0]["topics"][0]["id"] == "air_quality"
    assert set(records[0]["topics"][0]) == {"id", "score", "terms"}
    assert records[1]["title"] == "Ещё одна статья без заголовка"


def test_bad_lines_give_an_error_line_and_a_message_not_a_crash(analyzer: Analyzer) -> None:
    lines = ["{not json", json.dumps({"id": "x", "text": 5}), "[1, 2]", "",
             json.dumps({"id": "ok", "text": "fine"})]  # fmt: skip
    status, records, err = run_stream(analyzer, lines)
    assert status == 1
    assert len(err.splitlines()) == 3
    assert [r.get("error") is not None for r in records] == [True, True, True, False]
    assert records[1]["id"] == "x"
    assert records[3]["id"] == "ok"


def test_evaluate_counts_language_and_topic_hits(analyzer: Analyzer, tmp_path: Path) -> None:
    path = tmp_path / "labels.jsonl"
    rows = [
        {"id": "1", "lang": "en", "title": "Smog in the city",
         "text": "Smog covered the city again. Air pollution and PM2.5 were far above the norm.",
         "topics": ["air_quality"]},
        {"id": "2", "lang": "ru", "title": "Матч",
         "text": "Команда выиграла матч и вышла в финал турнира после серии пенальти.",
         "topics": ["water"]},
    ]  # fmt: skip
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    report = evaluate(path, analyzer)
    assert report.articles == 2
    assert report.lang_accuracy == 1.0
    assert (report.topics["air_quality"].tp, report.topics["water"].fn) == (1, 1)
    assert report.micro.precision == 1.0
    assert report.micro.recall == 0.5
    text = format_report(report, show_misses=True)
    assert "micro" in text
    assert "2 missing water" in text


@pytest.fixture(scope="module")
def dev_report(analyzer: Analyzer):
    if not DEV.exists():
        pytest.skip(f"labelled corpus not found at {DEV}")
    return evaluate(DEV, analyzer)


def test_dev_language_accuracy_meets_the_bar(dev_report) -> None:
    assert dev_report.lang_accuracy >= 0.98
    assert dev_report.lang_accuracy_of("kk") >= 0.98


def test_dev_topic_f1_meets_the_bar(dev_report) -> None:
    assert dev_report.micro.f1 >= 0.85
    weakest = min(dev_report.topics.items(), key=lambda item: item[1].f1)
    assert weakest[1].f1 >= 0.70, weakest


@pytest.mark.slow
def test_the_analyze_command_reads_stdin_and_writes_stdout() -> None:
    main = ROOT / "bot" / "__main__.py"
    if not main.exists() or "analyze" not in main.read_text(encoding="utf-8"):
        pytest.skip("python -m bot analyze is not wired yet")
    line = json.dumps({"id": "a", "text": "Smog covered the city. Air pollution rose again."})
    done = subprocess.run(
        [sys.executable, "-m", "bot", "analyze"], input=line + "\n", capture_output=True,
        text=True, cwd=ROOT, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    [record] = [json.loads(x) for x in done.stdout.splitlines()]
    assert record["id"] == "a"
    assert record["lang"] == "en"
