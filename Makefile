# Two commands on a fresh machine with only python3: `make brief` and `make test`.
# Each creates .venv and installs the project from pyproject.toml on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
REPORT ?= reports/saratov-otb1

.PHONY: brief test lint format reference-doc problem-codes clean bench

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

brief: $(STAMP)  ## build the sample brief into build/
	$(BIN)/draft build $(REPORT)

test: lint  ## lint, type-check, then run every test
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

reference-doc: $(STAMP)  ## regenerate templates/reference.docx
	$(BIN)/python scripts/make_reference_docx.py

problem-codes: $(STAMP)  ## regenerate README's problem-code tables from drafting/codes.py
	$(BIN)/python scripts/problem_codes.py

clean:
	rm -rf $(VENV) build

bench: $(STAMP)  ## time draft against pandoc on generated workspaces (SIZES=2000 RUNS=3 to shorten)
	$(BIN)/python bench/run.py $(if $(SIZES),--sizes $(SIZES)) $(if $(RUNS),--runs $(RUNS))
