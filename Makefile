# jixiao — township budget performance targets → DuckDB warehouse.
# `make run` and `make test` need only python3 and the package registries.
SHELL := /bin/bash
export DAGSTER_HOME := $(CURDIR)/.dagster_home
export DO_NOT_TRACK := 1
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export PYTHONPATH := $(CURDIR)
UV := python3 -m uv
RUN := $(UV) run --frozen

JIXIAO := $(RUN) jixiao

.PHONY: help install browser run test ui serve status sql report bench lint accuracy check

help:  ## this list
	@grep -hE '^[a-z]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 12

install: .venv/.installed  ## the locked environment (uv), and the jixiao command in .venv/bin

.venv/.installed: pyproject.toml uv.lock
	@$(UV) --version >/dev/null 2>&1 || python3 -m pip install --quiet uv \
		|| python3 -m pip install --quiet --user uv || python3 -m pip install --quiet --break-system-packages uv
	$(UV) sync --frozen
	@touch $@

# The report test renders the HTML report in headless Chromium (Debian package; needs root or sudo).
browser:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || \
		{ SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); $$SUDO apt-get update -qq && \
		  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

run: install  ## ingest data/raw/, build the warehouse and the report (jixiao run; ARGS=-v shows the logs)
	$(JIXIAO) run $(ARGS)

test: install browser  ## the test suite
	$(RUN) python -c "from pipeline.defs.dbt_project import prepare_manifest; prepare_manifest()"
	$(RUN) pytest

lint: install  ## ruff, mypy --strict, import-linter
	$(RUN) ruff check pipeline tests bench scripts
	$(RUN) mypy
	$(RUN) lint-imports --no-cache

# Recall and invented rows on the hand-read real documents (../shared/realdocs, or $JIXIAO_REALDOCS).
accuracy: install  ## the pipeline on the hand-read real documents, scored row by row
	$(RUN) python scripts/accuracy.py

# How the reader reads some documents (layout, confidence, rejected rows, rows), without the warehouse.
check: install  ## how the reader reads FILES=..., without the warehouse (jixiao check)
	$(JIXIAO) check $(FILES)

# Throughput: synthetic corpus at 100/1000/10000 documents, parse vs floor, end to end, PDFs.
bench: install  ## throughput on a synthetic corpus (SIZES=100)
	$(RUN) python -m bench.run $(if $(SIZES),--sizes $(SIZES),)

ui: install  ## the Dagster UI on http://127.0.0.1:3000 (jixiao ui)
	$(JIXIAO) ui

serve: install  ## the Dagster daemon and webserver for nightly runs on a server (jixiao serve)
	$(JIXIAO) serve

status: install  ## the last run, documents by status, every failure (jixiao status)
	$(JIXIAO) status

sql: install  ## a read-only SQL prompt on the warehouse (jixiao sql)
	$(JIXIAO) sql

report: install  ## open the HTML report (jixiao report --open)
	$(JIXIAO) report --open
