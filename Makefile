# Every target creates .venv when it is missing and installs the project into it.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup test lint crawl fixtures-update bench clean

$(STAMP): pyproject.toml setup.py crawler/extract/_compiled_walk.pyx
	test -d $(VENV) || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q -U pip
	$(BIN)/pip install -q -e '.[dev,pg,redis]'
	touch $(STAMP)

setup: $(STAMP)

lint: $(STAMP)
	$(BIN)/ruff check crawler pipelines tests bench
	$(BIN)/ruff format --check crawler pipelines tests bench
	$(BIN)/mypy

test: lint
	$(BIN)/pytest

crawl: $(STAMP)
	$(BIN)/report-archiver demo

# Rewrite tests/fixtures/*/*/expected.json from the current extractor, then show the diff.
# Only when asked: CASE=site/case narrows it; read the diff before committing it.
fixtures-update: $(STAMP)
	$(BIN)/python -m tests.regenerate $(CASE)
	git --no-pager diff --stat -- tests/fixtures
	git --no-pager diff -- tests/fixtures

bench: $(STAMP)
	$(BIN)/python bench/accuracy.py $(REALPAGES)
	$(BIN)/python bench/speed.py $(REALPAGES)

clean:
	rm -rf $(VENV) data/archive.sqlite* data/warc data/exports
