# Two commands: `make run` (the whole system locally) and `make test` (every test).
# Both create the virtualenv and install what they need.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test bench clean

$(STAMP): requirements.txt tests/requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r tests/requirements.txt
	touch $(STAMP)

run: $(STAMP)
	$(PY) -m infra.local.run

test: $(STAMP)
	$(PY) -m pytest

bench: $(STAMP)
	$(PY) -m tests.bench.requests

clean:
	rm -rf $(VENV) .pytest_cache
