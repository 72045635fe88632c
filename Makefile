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

.PHONY: help install browser fonts run test ui serve status sql report bench lint accuracy check office docs raw-docs dbt

help:  ## this list
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 12

install: .venv/.installed office  ## the locked environment (uv), and the jixiao command in .venv/bin

.venv/.installed: pyproject.toml uv.lock
	@$(UV) --version >/dev/null 2>&1 || python3 -m pip install --quiet uv \
		|| python3 -m pip install --quiet --user uv || python3 -m pip install --quiet --break-system-packages uv
	$(UV) sync --frozen
	@touch $@

# dbt on the warehouse in force, with the vars built from the Python facts: make dbt ARGS="build --select marts".
dbt: install  ## dbt on the warehouse with the project's vars (ARGS="build --select marts")
	$(RUN) python -m pipeline.defs.dbt_project $(ARGS)

# Word 97-2003, WPS and RTF files are converted by LibreOffice (Debian packages; needs root or sudo).
# Where it cannot be installed the rest still works: those files get an ingest_errors row saying so.
office:  ## LibreOffice for .doc/.wps/.rtf (Debian libreoffice-*-nogui)
	@command -v soffice >/dev/null 2>&1 || command -v libreoffice >/dev/null 2>&1 || \
		{ SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); $$SUDO apt-get update -qq && \
		  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends \
		    libreoffice-writer-nogui libreoffice-calc-nogui >/dev/null; } || \
		echo "make: LibreOffice could not be installed; .doc/.wps/.rtf files will fail, saying what to install" >&2

# The report test renders the HTML report in headless Chromium (Debian package; needs root or sudo).
browser:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || \
		{ SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); $$SUDO apt-get update -qq && \
		  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

# The report names CJK fonts for Windows, macOS and Linux; on Linux (and in the report's screenshot
# test) Noto Sans CJK is the one installed here (Debian package fonts-noto-cjk; needs root or sudo).
fonts:  ## CJK fonts for the report (Debian fonts-noto-cjk)
	@fc-list :lang=zh family 2>/dev/null | grep -qi 'Noto Sans CJK' || \
		{ SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); $$SUDO apt-get update -qq && \
		  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq -o DPkg::Lock::Timeout=600 fonts-noto-cjk >/dev/null; }

run: install  ## ingest data/raw/, build the warehouse and the report (jixiao run; ARGS=-v shows the logs)
	$(JIXIAO) run $(ARGS)

test: install browser fonts  ## the test suite
	$(RUN) python -c "from pipeline.defs.dbt_project import prepare_manifest; prepare_manifest()"
	$(RUN) pytest

lint: install  ## ruff, mypy --strict, import-linter
	$(RUN) ruff check pipeline tests bench scripts
	$(RUN) mypy
	$(RUN) lint-imports --no-cache

# The generated tables of docs/raw_layer.md (from pipeline/contract/tables.py) and README.md (from
# pipeline/core/errors.py); tests/contract/test_docs.py fails while a page is stale.
raw-docs: install  ## rewrite the generated tables of docs/raw_layer.md (columns) and README.md (error classes)
	$(RUN) python -m pipeline.contract.docs

# Recall and invented rows on the hand-read real documents (../shared/realdocs, or $JIXIAO_REALDOCS).
accuracy: install  ## the pipeline on the hand-read real documents, scored row by row
	$(RUN) python scripts/accuracy.py

# How the reader reads some documents (layout, confidence, rejected rows, rows), without the warehouse.
check: install  ## how the reader reads FILES=..., without the warehouse (jixiao check)
	$(JIXIAO) check $(FILES)

# Throughput: synthetic corpus at 100/1000/10000 documents, parse vs floor, end to end, PDFs.
bench: install  ## throughput on a synthetic corpus (SIZES=100; NATION=1000,10000 for issue 22's national mix)
	$(RUN) python -m bench.run $(if $(SIZES),--sizes $(SIZES),) $(if $(NATION),--nation $(NATION),)

# The dbt docs site of the warehouse (models, columns, tests, lineage) on http://127.0.0.1:8080;
# ARGS="--port 9000" or ARGS="--no-serve" (then open dbt_project/target/docs/static_index.html).
docs: install  ## the dbt docs site of the warehouse on http://127.0.0.1:8080
	$(RUN) python -m pipeline.defs.dbt_docs $(ARGS)

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
