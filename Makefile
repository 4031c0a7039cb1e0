# dramagen: `make run` and `make test` set everything up on a fresh machine.
SHELL := /bin/bash
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip
# The CPU build of torch (it lies on this machine's disk). GPU users: make install TORCH='torch==2.x' or
# install the torch of their choice into .venv first (see README).
TORCH  ?= torch==2.13.0
EXTRAS ?= dev,server,ray
STAMP  := $(VENV)/.dramagen-installed
MODEL  := smollm2-135m-instruct
MODEL_STAMP := models/$(MODEL)/dramagen.json
export GRADIO_ANALYTICS_ENABLED := False
export HF_HUB_OFFLINE := 1
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: install model run test test-slow test-all bench clean distclean system-deps soak

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	$(PY) -c "import torch" 2>/dev/null || $(PIP) install --quiet "$(TORCH)"
	$(PIP) install --quiet -e '.[$(EXTRAS)]'
	touch $@

$(MODEL_STAMP): | $(STAMP)
	$(VENV)/bin/dramagen models pull $(MODEL)

install: $(STAMP)

model: $(MODEL_STAMP)

run: $(MODEL_STAMP)
	$(PY) app.py

SCREENPLAYS := tests/.cache/afterwriting-1.17.3/brick_and_steel.fountain

# real screenplays for the timing estimator's test (from the npm registry; never committed)
$(SCREENPLAYS):
	bash tests/fixtures/get_screenplay.sh

# Debian tools the tests use: pdftotext/pdftoppm (PDF checks), chromium (browser tests)
system-deps:
	@{ command -v pdftotext >/dev/null && test -x /usr/bin/chromium; } || { apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils chromium; }

# the default suite: under 15 minutes on 2 cores
test: $(MODEL_STAMP) $(SCREENPLAYS) system-deps
	DRAMAGEN_REQUIRE_SCREENPLAY=1 $(PY) -m pytest -m "not slow" -q

# long tests on the real model (whole seasons)
test-slow: $(MODEL_STAMP)
	$(PY) -m pytest -m "slow" -q

# reliability and security, heavy (issue 9): fuzzing ×20 (hypothesis profile soak), 60-episode seasons under
# injected faults, 32 concurrent studio sessions in two waves, and the real-model versions (no network, faults)
soak: $(MODEL_STAMP)
	HYPOTHESIS_PROFILE=soak DRAMAGEN_SOAK=1 DRAMAGEN_THREADS=$${DRAMAGEN_THREADS:-1} $(PY) -m pytest \
	  tests/test_fuzz.py tests/test_faults.py tests/test_load.py tests/test_security.py -q -W ignore::UserWarning

test-all: $(MODEL_STAMP)
	$(PY) -m pytest -q

# speed (benchmarks/README.md): the generator benchmark, every backend and setting side by side (about 6
# minutes on 2 quiet cores; BENCH_ARGS='--full' for the whole grid, '--tag after' to name the result);
# BENCH_SEASON=1 then times a whole 60-episode season with the default model (BENCH_SEASON_ARGS)
BENCH_ARGS ?= --convert
BENCH_SEASON_ARGS ?=
bench: $(MODEL_STAMP)
	$(PY) benchmarks/bench_generator.py $(BENCH_ARGS)
	@if [ "$(BENCH_SEASON)" = "1" ]; then \
	  echo "$(PY) benchmarks/bench_season.py $(BENCH_SEASON_ARGS)"; \
	  $(PY) benchmarks/bench_season.py $(BENCH_SEASON_ARGS); \
	fi

clean:
	rm -rf .pytest_cache .hypothesis build dist src/*.egg-info

distclean: clean
	rm -rf $(VENV) models/.pkgs models/$(MODEL)
