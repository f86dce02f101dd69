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

# The examples, each one command line of the CLI. 1-D is the tutorial's setup.
KA := $(VENV)/bin/kmeans-anim --quiet
video: install
	mkdir -p output
	$(KA) --clusters 3 --points 40 --bounds -2 2 --std 0.15 -k 3 --init random --seed 7 -o output/kmeans_1d.mp4
	$(KA) --dim 2 --clusters 4 --points 150 --std 0.3 --seed 3 -o output/kmeans_2d.mp4
	$(KA) --dim 2 --clusters 4 --points 150 --std 0.3 --seed 3 -o output/kmeans_2d.gif
	$(KA) --dataset old_faithful -k 2 --seed 1 --title "Old Faithful: eruption vs waiting (min)" -o output/old_faithful.mp4
	$(KA) --dim 3 --clusters 4 --points 120 --std 0.35 --seed 5 --rotate --trails -o output/kmeans_3d.mp4
	$(KA) --dataset iris -k 3 --init random --seed 2 --title "Iris, PCA projection" -o output/iris.mp4
	$(KA) --dim 2 --clusters 5 --points 80 --std 0.35 --seed 11 --init random --regions --trails --steps split --tween 4 --objective --fps 8 -o output/kmeans_2d_explained.mp4
	@echo "wrote:"; ls -l output/kmeans_1d.mp4 output/kmeans_2d.mp4 output/kmeans_2d.gif output/old_faithful.mp4 output/kmeans_3d.mp4 output/iris.mp4 output/kmeans_2d_explained.mp4

bench: install
	$(PY) benchmarks/run.py

lint: install
	$(VENV)/bin/ruff check kmeans_anim tests benchmarks
	$(VENV)/bin/ruff format --check kmeans_anim tests benchmarks

clean:
	rm -rf $(VENV) output/*.mp4 output/*.gif output/*.webm output/*.png
