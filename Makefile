# The front door: `make video`, `make test`, `make bench`, `make lint` work from a fresh clone.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: install xvfb test video examples lessons bench lint clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,dev]'
	touch $(STAMP)

# The window tests need an X server and real key presses: Debian's xvfb and xdotool
# (installed as root).
xvfb:
	@command -v Xvfb >/dev/null && command -v xdotool >/dev/null || \
		{ apt-get update -qq && apt-get install -y -qq xvfb xdotool >/dev/null; }

# Two workers: the machine this is made for has two cores (pytest-xdist).
test: install xvfb
	$(PY) -m pytest -n 2

# The examples, each one command line of the CLI. 1-D is the tutorial's setup.
KA  := $(VENV)/bin/kmeans-anim --quiet
OUT ?= output
video: examples lessons
	@echo "wrote:"; cd $(OUT) && ls -l kmeans_1d.mp4 kmeans_2d.mp4 kmeans_2d.gif old_faithful.mp4 \
		kmeans_3d.mp4 iris.mp4 wine.mp4 kmeans_2d_explained.mp4 restarts.mp4 choose_k.mp4 \
		kmeans_2d_filmstrip.png lessons/seeding_kmeanspp.mp4 lessons/seeding_random.mp4 lessons/farthest.mp4 \
		lessons/optimum_1d.mp4 lessons/moons.mp4 lessons/circles.mp4 lessons/anisotropic.mp4 \
		lessons/unequal_variance.mp4 lessons/uneven_sizes.mp4 lessons/uniform.mp4 \
		lessons/smiley.mp4 lessons/rings.mp4

examples: install
	mkdir -p $(OUT)
	$(KA) --clusters 3 --points 40 --bounds -2 2 --std 0.15 -k 3 --init random --seed 3 -o $(OUT)/kmeans_1d.mp4
	$(KA) --dim 2 --clusters 4 --points 150 --std 0.3 --seed 3 -o $(OUT)/kmeans_2d.mp4
	$(KA) --dim 2 --clusters 4 --points 150 --std 0.3 --seed 3 -o $(OUT)/kmeans_2d.gif
	$(KA) --dataset old_faithful -k 2 --seed 1 --standardize -o $(OUT)/old_faithful.mp4
	$(KA) --dim 3 --clusters 4 --points 120 --std 0.35 --seed 5 --rotate --trails --tween 6 --fps 8 --hold 2 -o $(OUT)/kmeans_3d.mp4
	$(KA) --dataset iris -k 3 --seed 0 --title "Iris, PCA projection" -o $(OUT)/iris.mp4
	$(KA) --dataset wine -k 3 --seed 0 --standardize --truth cultivar -o $(OUT)/wine.mp4
	$(KA) --dim 2 --clusters 5 --points 80 --std 0.35 --seed 11 --init random --regions --trails --steps split --tween 4 --objective --fps 8 -o $(OUT)/kmeans_2d_explained.mp4
	$(KA) --dim 2 --clusters 6 --points 30 --std 0.5 --seed 4 -k 6 --init random --compare seeds=0,1,2,3 --fps 3 -o $(OUT)/restarts.mp4
	$(KA) --dim 2 --clusters 4 --points 60 --std 0.25 --seed 22 --sweep 1:8 --fps 4 -o $(OUT)/choose_k.mp4
	$(KA) --dim 2 --clusters 4 --points 150 --std 0.3 --seed 3 -o $(OUT)/kmeans_2d_filmstrip.png

# The lessons: seeding pick by pick (seed 1: random init leaves a blob without a
# centroid, k-means++ and farthest-first do not), Lloyd's local optimum against the
# exact 1-D one (seed 7: two centroids share a blob, +74%), and shapes it gets wrong.
lessons: install
	mkdir -p $(OUT)/lessons
	$(KA) --dim 2 --clusters 4 --points 40 --std 0.3 --seed 1 --seeding --fps 2 -o $(OUT)/lessons/seeding_kmeanspp.mp4
	$(KA) --dim 2 --clusters 4 --points 40 --std 0.3 --seed 1 --seeding --init random --fps 2 -o $(OUT)/lessons/seeding_random.mp4
	$(KA) --dim 2 --clusters 4 --points 40 --std 0.3 --seed 1 --seeding --init farthest --fps 2 -o $(OUT)/lessons/farthest.mp4
	$(KA) --clusters 4 --points 25 --std 0.2 --seed 7 --init random --seeding --optimum --fps 2 -o $(OUT)/lessons/optimum_1d.mp4
	$(KA) --shape moons --points 200 --seed 1 --truth --regions --fps 4 -o $(OUT)/lessons/moons.mp4
	$(KA) --shape circles --points 200 --seed 1 --truth --regions --fps 4 -o $(OUT)/lessons/circles.mp4
	$(KA) --shape anisotropic --points 240 --seed 1 --truth --regions --fps 4 -o $(OUT)/lessons/anisotropic.mp4
	$(KA) --shape unequal_variance --points 240 --seed 1 --truth --regions --fps 4 -o $(OUT)/lessons/unequal_variance.mp4
	$(KA) --shape uneven_sizes --points 240 --seed 1 --truth --regions --fps 4 -o $(OUT)/lessons/uneven_sizes.mp4
	$(KA) --shape uniform --points 200 --seed 1 --regions --fps 4 -o $(OUT)/lessons/uniform.mp4
	$(KA) --shape smiley --points 240 --seed 1 --truth --regions --fps 4 -o $(OUT)/lessons/smiley.mp4
	$(KA) --shape rings --points 240 --seed 1 --truth --regions --fps 4 -o $(OUT)/lessons/rings.mp4

bench: install
	$(PY) benchmarks/run.py

lint: install
	$(VENV)/bin/ruff check kmeans_anim tests benchmarks
	$(VENV)/bin/ruff format --check kmeans_anim tests benchmarks

clean:
	rm -rf $(VENV) output/*.mp4 output/*.gif output/*.webm output/*.png output/lessons
