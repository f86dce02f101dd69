# The front door: `make video`, `make test`, `make bench`, `make lint` work from a fresh clone.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: install test video bench lint clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,dev]'
	touch $(STAMP)

test: install
	$(PY) -m pytest

video: install
	$(PY) -m kmeans_anim.examples output

bench: install
	$(PY) benchmarks/run.py

lint: install
	$(VENV)/bin/ruff check kmeans_anim tests benchmarks
	$(VENV)/bin/ruff format --check kmeans_anim tests benchmarks

clean:
	rm -rf $(VENV) output/*.mp4 output/*.gif output/*.webm output/*.png
