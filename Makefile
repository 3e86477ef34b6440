# Two promises: `make run` (set up, build the index, answer questions) and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin
# CPU build of torch; install it before anything that depends on torch (else pip pulls a CUDA build).
TORCH ?= torch==2.13.0
STAMP = $(VENV)/.installed

.PHONY: setup index run test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet "$(TORCH)"
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

index: setup
	$(BIN)/qa-index rebuild

# Builds (or incrementally refreshes) the index, then runs the Discord bot when DISCORD_TOKEN is
# set, or answers questions typed or piped on standard input when it is not.
run: index
	$(BIN)/qa-bot serve

lint: setup
	$(BIN)/ruff check index bot devtools tests scripts bench
	$(BIN)/ruff format --check index bot devtools tests scripts bench
	$(BIN)/mypy index bot devtools scripts bench

test: setup lint
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) var
