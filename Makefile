# Two commands on a fresh clone: `make demo` and `make test`.
# Both set up .venv first when it is missing or older than pyproject.toml.

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
# Optional extras to install: dev (test and lint tools), ray (the Ray executor) and hf
# (the hf-seq2seq learner: transformers, tokenizers, safetensors).
EXTRAS ?= dev,ray,hf

.PHONY: install demo test lint typecheck bench fuzz faults clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	@# A CPU build of torch 2.13.0 may lie on local disk (find-links); take it
	@# when no torch is installed, so that pip never pulls a multi-GB CUDA
	@# build. Elsewhere this falls through to pyproject's torch>=2.2.
	$(PY) -c "import torch" 2>/dev/null || $(PY) -m pip install -q "torch==2.13.0" || true
	$(PY) -m pip install -q -e ".[$(EXTRAS)]"
	touch $(STAMP)

demo: install
	$(VENV)/bin/sandbox demo

test: install
	$(PY) -m pytest

# Lint is ruff (style, imports, bugbear, complexity C901) and the type check; .ci/run runs both before the tests.
lint: install typecheck
	$(VENV)/bin/ruff check sandbox symbolic neural benchmarks tests

# mypy against the oldest supported Python (python_version in pyproject.toml).
typecheck: install
	$(VENV)/bin/mypy

bench: install
	$(PY) -m benchmarks.run_all

# Thousands of hostile inputs (700 per fuzz test, FUZZ_EXAMPLES=N to change) against every reader and every
# learner's predict; prints the counts by kind and outcome. CI runs the same tests with a few dozen each.
# A temporary folder of its own: pytest prunes the shared /tmp/pytest-of-USER while other runs start.
fuzz: install
	tmp=$$(mktemp -d) && HYPOTHESIS_PROFILE=fuzz $(PY) -m pytest tests/sandbox/test_fuzz.py -q -p no:cacheprovider \
		--basetemp=$$tmp/base; status=$$?; rm -rf $$tmp; exit $$status

# SIGKILL `sandbox bench` and neural training at 20 seeded moments each; check every resume.
faults: install
	$(PY) -m benchmarks.faults

clean:
	rm -rf $(VENV) reports .pytest_cache .mypy_cache .ruff_cache
