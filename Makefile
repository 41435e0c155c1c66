# Two commands: `make run` (the whole system locally) and `make test` (every test).
# Both create the virtualenv and install what they need.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test fuzz bench cli deploy preflight browser clean

$(STAMP): requirements.txt tests/requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r tests/requirements.txt
	touch $(STAMP)

run: $(STAMP)
	$(PY) -m infra.local.run

# Every test, in two processes (one per core here) with each file kept in one process, so a
# file's live servers and the emulator it starts stay its own.
test: $(STAMP) browser
	$(PY) -m pytest -n $${ANTRE_TEST_WORKERS:-auto} --dist loadfile

# The browser tests drive Debian's chromium. Installed here when we may (root with apt-get,
# as in CI); otherwise the exact command to run is printed and the tests are not started.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Debian's chromium for the browser tests..."; \
	    DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "The browser tests need Debian's chromium. Run: sudo apt-get install chromium" >&2; \
	    exit 1; \
	  fi; }

# schemathesis and the state machine for longer than `make test`'s bounded runs:
# more examples, new random ones, a longer time budget (tests/api/test_schema_fuzz.py,
# tests/api/test_state_machine.py).
fuzz: $(STAMP)
	ANTRE_FUZZ_EXAMPLES=$${ANTRE_FUZZ_EXAMPLES:-100} ANTRE_FUZZ_SECONDS=$${ANTRE_FUZZ_SECONDS:-600} \
	ANTRE_STATE_EXAMPLES=$${ANTRE_STATE_EXAMPLES:-100} \
	  $(PY) -m pytest tests/api/test_schema_fuzz.py tests/api/test_state_machine.py -s

bench: $(STAMP)
	$(PY) -m tests.bench.requests
	$(PY) -m tests.bench.closure
	$(PY) -m tests.bench.package
	$(PY) -m tests.bench.accounts

# City IT's command line, e.g. make cli ARGS="--stage prod import-mall infra/malls/x.yaml"
cli: $(STAMP)
	$(PY) -m chalicelib.cli $(ARGS)

# Deploy a stage to AWS with this project's .venv (chalice and every dependency pinned):
#   make deploy STAGE=prod ANTRE_SENDER=antre.kota.go.id ANTRE_ALARM_EMAIL=it@kota.go.id
# It checks every precondition first (`make preflight STAGE=prod` runs only that).
DEPLOY_ENV = ANTRE_PYTHON=$(PY) ANTRE_SENDER="$(ANTRE_SENDER)" \
	ANTRE_ALARM_EMAIL="$(ANTRE_ALARM_EMAIL)" ANTRE_DOMAIN="$(ANTRE_DOMAIN)" \
	ANTRE_CERTIFICATE_ARN="$(ANTRE_CERTIFICATE_ARN)"

deploy: $(STAMP)
	@case "$(STAGE)" in dev|prod) ;; *) echo "usage: make deploy STAGE=dev|prod" >&2; exit 2;; esac
	$(DEPLOY_ENV) infra/deploy.sh $(STAGE)

preflight: $(STAMP)
	@case "$(STAGE)" in dev|prod) ;; *) echo "usage: make preflight STAGE=dev|prod" >&2; exit 2;; esac
	$(DEPLOY_ENV) $(PY) -m infra.preflight $(STAGE)

clean:
	rm -rf $(VENV) .pytest_cache
