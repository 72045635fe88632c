# jixiao — township budget performance targets → DuckDB warehouse.
# `make run` and `make test` need only python3 and the package registries.
SHELL := /bin/bash
export DAGSTER_HOME := $(CURDIR)/.dagster_home
export DO_NOT_TRACK := 1
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export PYTHONPATH := $(CURDIR)
UV := python3 -m uv
RUN := $(UV) run --frozen

.PHONY: install office browser run test ui bench lint accuracy check

install: .venv/.installed office

.venv/.installed: pyproject.toml uv.lock
	@$(UV) --version >/dev/null 2>&1 || python3 -m pip install --quiet uv \
		|| python3 -m pip install --quiet --user uv || python3 -m pip install --quiet --break-system-packages uv
	$(UV) sync --frozen
	@touch $@

# Word 97-2003, WPS and RTF files are converted by LibreOffice (Debian packages; needs root or sudo).
# Where it cannot be installed the rest still works: those files get an ingest_errors row saying so.
office:
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

run: install
	$(RUN) python -m pipeline.run $(ARGS)

test: install browser
	$(RUN) python -c "from pipeline.defs.dbt_project import prepare_manifest; prepare_manifest()"
	$(RUN) pytest

lint: install
	$(RUN) ruff check pipeline tests bench scripts
	$(RUN) mypy
	$(RUN) lint-imports --no-cache

# Recall and invented rows on the hand-read real documents (../shared/realdocs, or $JIXIAO_REALDOCS).
accuracy: install
	$(RUN) python scripts/accuracy.py

# How the reader reads some documents (layout, confidence, rejected rows, rows), without the warehouse.
check: install
	$(RUN) python -m pipeline.check $(FILES)

# Throughput: synthetic corpus at 100/1000/10000 documents, parse vs floor, end to end, PDFs.
bench: install
	$(RUN) python -m bench.run $(if $(SIZES),--sizes $(SIZES),)

ui: install
	$(RUN) python -c "from pipeline.defs.dbt_project import prepare_manifest; prepare_manifest()"
	$(RUN) dagster dev -m pipeline.definitions -h 127.0.0.1 -p 3000
