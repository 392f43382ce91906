# Two commands on a fresh machine with Python 3.11+ and make: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck bench demo sandbox clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

## run: the bot when TELEGRAM_BOT_TOKEN is set (in the environment or .env), else the offline demo
run: $(STAMP)
	$(BIN)/python -m bot run

## test: lint, type checks, import rules and the whole test suite
test: $(STAMP)
	$(BIN)/ruff check bot storage tests bench
	$(BIN)/ruff format --check bot storage tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -q

demo: $(STAMP)
	$(BIN)/python -m bot demo

sandbox: $(STAMP)
	$(BIN)/python -m bot sandbox

## bench: every benchmark, each printing its own table
bench: $(STAMP)
	$(BIN)/python bench/ingest_throughput.py
	$(BIN)/python bench/analysis_speed.py ../shared/corpus/dev.jsonl
	$(BIN)/python bench/classify_accuracy.py ../shared/corpus/dev.jsonl
	$(BIN)/python bench/compose_digests.py
	$(BIN)/python bench/deliver_throughput.py
	$(BIN)/python bench/handlers_latency.py

clean:
	rm -rf $(VENV) data/*.db data/*.db-wal data/*.db-shm .mypy_cache .ruff_cache .pytest_cache
