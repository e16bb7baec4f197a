# NetLearn: `make run` to try it, `make test` to test it. See README.md.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
STAMP := $(VENV)/.installed
export DEBUG ?= 1

.PHONY: run test test-db fuzz lint format bench loadtest hostile venv clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

run: $(STAMP)
	$(PY) manage.py migrate --noinput
	@if $(PY) manage.py help loadlessons >/dev/null 2>&1; then $(PY) manage.py loadlessons; fi
	$(PY) manage.py createinstructor demo --password demo-instructor-pw --noinput \
		--editor-of linux-networking
	@echo ""
	@echo "  NetLearn is at http://127.0.0.1:$(PORT)/"
	@echo "  Demo instructor: username 'demo', password 'demo-instructor-pw'"
	@echo ""
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# The whole suite: lint, checks, the doctests, then pytest. Kernel (network namespace) tests run
# on their own, not in parallel, since they build real namespaces. Under CI=true a skipped test
# fails unless tests/ci_skips.py allows it.
test: lint
	./scripts/install-test-deps.sh
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest --doctest-modules netlearn/sim lessons benchmarks
	$(VENV)/bin/pytest -m "not kernel" -n 2
	$(VENV)/bin/pytest -m kernel

# The suites that touch the database (web and browser), for a second run on another database:
# the simulator's tests never touch it, so running them twice would prove nothing.
test-db: $(STAMP)
	./scripts/install-test-deps.sh
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest tests/web tests/e2e -n 2

# The shell, scenario, budget, exercise and web fuzzers with twenty times the examples `make test` runs
# (tests/fuzzing.py).
fuzz: $(STAMP)
	HYPOTHESIS_PROFILE=fuzz $(VENV)/bin/pytest tests/sim/test_fuzz_shell.py \
		tests/sim/test_fuzz_scenario.py tests/sim/test_fuzz_budget.py tests/web/test_fuzz_exercise.py \
		tests/web/test_fuzz_terminal.py tests/web/test_fuzz_import.py -n 2

# The project's code the gates below read (tests and migrations are not held to them).
LINT_PATHS := netlearn lessons accounts instructors benchmarks scripts deploy manage.py

# ruff, then the gates of a codebase a newcomer can read: no function over cyclomatic complexity
# 20 (xenon's rank C at most: radon's A-C are 1-20) and no module over 500 lines.
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/xenon --max-absolute C --exclude "*/migrations/*" $(LINT_PATHS)
	$(PY) scripts/check_module_size.py --max-lines 500 $(LINT_PATHS)
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy netlearn/sim

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# The simulator's benchmarks, then the web tier's (gunicorn + PostgreSQL on loopback, wrk when
# installed: benchmarks/web.py); results in benchmarks/results/. flock: measurements never overlap.
bench: $(STAMP)
	flock /tmp/netlearn-bench.lock $(PY) -m benchmarks

# A class of 200 learners arriving over a minute, then 60 s of everybody typing a command every
# 3 s on average, against gunicorn + PostgreSQL + Redis on loopback (benchmarks/load.py; README,
# Load test). flock: measurements never overlap with another benchmark on this machine.
loadtest: $(STAMP)
	flock /tmp/netlearn-bench.lock $(PY) -m benchmarks.load --learners 200 --seconds 60 --think 3

# Issue 14's hostile inputs over HTTP against gunicorn + PostgreSQL + Redis, with /healthz watched
# (benchmarks/hostile.py; results in benchmarks/results/hostile.md).
hostile: $(STAMP)
	flock /tmp/netlearn-bench.lock $(PY) -m benchmarks.hostile

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis staticfiles
