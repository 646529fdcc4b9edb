# Two commands for a fresh machine with Python 3.11 (see README):
#   make serve   set up .venv and serve the SPARQL endpoint on the embedded store
#   make test    set up .venv and run the tests
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000

VENDOR := kkni_rdf/endpoint/static/vendor

.PHONY: setup assets serve test lint build clean

setup: $(VENV)/.installed $(VENDOR)/.fetched

# YASGUI (the query page), Swagger UI (/docs) and Viz.js (the pictures), fetched from the npm registry (with npm if installed), checked
# against the integrity pinned in kkni_rdf/endpoint/assets.py; never committed (.gitignore).
assets: $(VENDOR)/.fetched

$(VENDOR)/.fetched: kkni_rdf/endpoint/assets.py $(VENV)/.installed
	$(BIN)/python -m kkni_rdf.endpoint.assets
	touch $@

$(VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev]"
	touch $@

serve: setup
	$(BIN)/kkni serve --host $(HOST) --port $(PORT)

test: setup
	$(BIN)/python -m pytest

lint: setup
	$(BIN)/ruff check kkni_rdf tests bench hatch_build.py
	$(BIN)/ruff format --check kkni_rdf tests bench hatch_build.py
	$(BIN)/mypy

build: setup
	$(BIN)/kkni build

clean:
	rm -rf $(VENV) $(VENDOR) build dist .pytest_cache .mypy_cache .ruff_cache
