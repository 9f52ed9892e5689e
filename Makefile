# baobao — the three entry points: setup (bootstrap only), run, test.
PYTHON ?= python3
UV_VERSION := 0.13.9
VENV := .venv
STAMP := $(VENV)/.synced

.PHONY: setup run test lint bench clean

setup: $(STAMP)
	@scripts/system-deps.sh

$(STAMP): pyproject.toml uv.lock
	@test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	@test -x $(VENV)/bin/uv || $(VENV)/bin/python -m pip install -q "uv==$(UV_VERSION)"
	$(VENV)/bin/uv sync --frozen --inexact --compile-bytecode --python $(VENV)/bin/python
	@touch $(STAMP)

run: setup
	./baobao init
	./baobao demo --scale county --if-empty
	./baobao summary
	./baobao serve

test: lint
	$(VENV)/bin/python -m pytest -n 2 $(PYTEST_ARGS)

lint: setup
	$(VENV)/bin/ruff check --quiet .
	$(VENV)/bin/ruff format --check --quiet .
	$(VENV)/bin/mypy

bench: setup
	$(VENV)/bin/python bench/run.py

clean:
	rm -rf $(VENV) baobao.db
