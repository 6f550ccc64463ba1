# Two commands on a fresh machine: `make demo` and `make test`. Both build .venv when missing.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
REQS := requirements/runtime.txt requirements/tests.txt requirements/mim.txt setup.py

.PHONY: venv demo lint test clean-venv

venv: $(STAMP)

# The stamp depends on the requirement files: a second `make venv` is a no-op in seconds,
# and changing a pin reinstalls.
$(STAMP): $(REQS)
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --upgrade --quiet "pip<26" wheel
	$(PY) -m pip install --quiet -r requirements/runtime.txt -r requirements/tests.txt
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	$(PY) -m pip check
	$(PY) -m pip install --quiet --no-deps --upgrade --target $(VENV)/mim -r requirements/mim.txt
	@touch $(STAMP)

demo: venv
	$(PY) tools/demo.py

lint: venv
	$(PY) -m ruff check .

# The linter first: a style error fails in seconds, not after the suite. One pytest worker per
# core (pytest-xdist): most tests start training processes of one thread each. Tests that
# share a costly module fixture are grouped onto one worker (xdist_group).
# yapf (imported by mmengine's Config) caches its grammar pickle in the user's cache on first
# import and renames the file before it is flushed: workers starting together on a fresh machine
# read it half-written (EOFError at collection). One import first writes it whole.
test: lint
	$(PY) -c "import yapf"
	$(PY) -m pytest tests -q -p no:cacheprovider -n auto --dist loadgroup

clean-venv:
	rm -rf $(VENV)
