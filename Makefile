# The two commands of the README: `make run` (set up, build, validate, print statistics) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test test-slow build lint clean

$(BIN)/qhfin: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

run: $(BIN)/qhfin
	$(BIN)/qhfin build
	$(BIN)/qhfin stats

build: $(BIN)/qhfin
	$(BIN)/qhfin build

test: $(BIN)/qhfin
	$(BIN)/ruff check qhfin tests
	$(BIN)/pytest -q

test-slow: $(BIN)/qhfin
	$(BIN)/pytest -q -m slow

lint: $(BIN)/qhfin
	$(BIN)/ruff check qhfin tests

clean:
	rm -rf build $(VENV)
