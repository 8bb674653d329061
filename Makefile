# Two commands matter: `make run` and `make test`. Everything else is a step they share.
# Only a Python >= 3.11 and make are assumed; uv is bootstrapped into .tools/ when missing,
# and it never downloads an interpreter.

PYTHON ?= python3
UV_VERSION := 0.13.9
HOST ?= 127.0.0.1
PORT ?= 8000

export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(CURDIR)/.venv
export UV_LINK_MODE := copy

UV := $(shell command -v uv 2>/dev/null || echo $(CURDIR)/.tools/bin/uv)
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py

.PHONY: run test e2e setup install lint check-migrations format bench clean ci backup restore

run: setup ## Set everything up and serve http://127.0.0.1:8000/ with seed and demo data.
	DEBUG=$${DEBUG:-1} $(MANAGE) runserver $(HOST):$(PORT)

# The suite on every core (pytest-xdist: a test database per worker; worksteal evens out the
# long hostile-input tests); TEST_WORKERS=0 runs it in one process.
TEST_WORKERS ?= auto

test: install ## Set everything up and run the whole suite.
	$(VENV)/bin/pytest -n $(TEST_WORKERS) --dist worksteal

e2e: install ## Browser journeys in Debian's Chromium; screenshots in test-artifacts/e2e/.
	bash .ci/ensure-browser
	$(VENV)/bin/pytest -m e2e tests/e2e

setup: install
	DEBUG=$${DEBUG:-1} $(MANAGE) migrate --noinput
	DEBUG=$${DEBUG:-1} $(MANAGE) seed
	DEBUG=$${DEBUG:-1} $(MANAGE) demo_setup

install: $(VENV)/.synced

$(VENV)/.synced: uv.lock pyproject.toml $(UV)
	$(UV) sync --frozen --python $(PYTHON)
	@touch $@

$(CURDIR)/.tools/bin/uv:
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "需要 Python 3.11 或更高版本 (Python >= 3.11 is required)"; exit 1; }
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet "uv==$(UV_VERSION)"

lint: install ## ruff, the import layers (import-linter), the migration check and mypy, as CI runs them.
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	DEBUG=1 $(MANAGE) makemigrations --check --dry-run
	DEBUG=1 $(VENV)/bin/mypy .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Without an .env file (a development machine) the commands run with DEBUG=1.
DEV_ENV := $(if $(wildcard .env),,DEBUG=$${DEBUG:-1})

bench: install ## Scaled dataset, measurements, table; writes BENCHMARKS.md (about 5 minutes).
	bash bench/ensure-tools
	$(PY) bench/run.py --scale $${BENCH_SCALE:-full} --out $${BENCH_OUT:-BENCHMARKS.md}

backup: install ## Write a timestamped dump of the database to var/backups/.
	$(DEV_ENV) $(MANAGE) backup

restore: install ## Restore a dump: make restore FILE=var/backups/xiage-....dump
	@test -n "$(FILE)" || { echo "用法：make restore FILE=备份文件"; exit 1; }
	$(DEV_ENV) $(MANAGE) restore "$(FILE)" --yes

ci:
	bash .ci/run

clean:
	rm -rf $(VENV) .tools .pytest_cache .ruff_cache
