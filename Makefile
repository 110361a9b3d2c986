# The two commands a newcomer needs: `make demo` and `make test`.
PORT ?= 8000
DATA_DIR ?= var
PG_URL ?= postgres://postgres@127.0.0.1:5432/goodoffices
BIN := .venv/bin
# The suite without the browser runs on every core (pytest-xdist, a test database per worker);
# `make test XDIST=` runs it in one process.
XDIST ?= -n auto

.PHONY: demo test lint typecheck test-sqlite test-postgres test-browser messages install install-dev chromium messages-update messages-check bench bench-ledger bench-analytics bench-serve bench-services bench-epochs bench-escalation clean

.venv/.installed: requirements.txt pyproject.toml scripts/bootstrap
	scripts/bootstrap requirements.txt
	touch $@

.venv/.installed-dev: requirements-dev.txt pyproject.toml scripts/bootstrap
	scripts/bootstrap requirements-dev.txt
	touch .venv/.installed $@

install: .venv/.installed
install-dev: .venv/.installed-dev

demo: .venv/.installed
	$(BIN)/goodoffices demo --port $(PORT) --data-dir $(DATA_DIR)

# Debian's Chromium for the browser tests; Playwright cannot download its own here.
chromium:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }

lint: .venv/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	GOODOFFICES_TESTING=true $(BIN)/lint-imports
	GOODOFFICES_TESTING=true $(BIN)/goodoffices makemigrations --check --dry-run

typecheck: .venv/.installed-dev
	GOODOFFICES_TESTING=true $(BIN)/mypy

# Browser tests run in their own pytest session, not under xdist: Playwright keeps an event loop
# alive in the main thread, which would (rightly) trip Django's async-safety checks in the other tests.
test-sqlite: .venv/.installed-dev chromium
	GOODOFFICES_TESTING=true $(BIN)/pytest -q -m "not browser" $(XDIST)
	GOODOFFICES_TESTING=true $(BIN)/pytest -q tests/browser

# PostgreSQL runs too whenever a server answers; the browser tests need run only once.
test-postgres: .venv/.installed-dev
	@if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then \
	  echo "PostgreSQL answers: running the suite on it"; \
	  GOODOFFICES_TESTING=true GOODOFFICES_DATABASE_URL=$(PG_URL) $(BIN)/pytest -q -m "not browser" $(XDIST); \
	else echo "PostgreSQL does not answer at 127.0.0.1:5432: skipping the PostgreSQL run"; fi

test: lint typecheck test-sqlite test-postgres

messages: .venv/.installed-dev
	cd goodoffices && ../$(BIN)/django-admin compilemessages --ignore=.venv

# The catalogs from the sources: new messages come in empty, changed ones fuzzy (docs/translations.md).
messages-update: .venv/.installed-dev
	cd goodoffices && ../$(BIN)/django-admin makemessages -l hy -l az -l ru --ignore=.venv

# What is left to translate, per language (also checked by tests/test_i18n.py); writes nothing.
messages-check: .venv/.installed-dev
	$(BIN)/python scripts/translations_status.py

bench: .venv/.installed-dev
	$(BIN)/python benchmarks/ledger_core.py

# The served log: the core beside pymerkle, then SQLite, PostgreSQL (when it answers) and Django.
bench-ledger: .venv/.installed-dev
	$(BIN)/python benchmarks/ledger.py

# The analytics core beside negmas (heavy, so installed here only, pinned, never in requirements-dev.txt).
NEGMAS_VERSION ?= 0.16.0
bench-analytics: .venv/.installed-dev
	@$(BIN)/python -c "import negmas" 2>/dev/null || { \
	  if command -v uv >/dev/null 2>&1; then uv pip install --quiet --python $(BIN)/python negmas==$(NEGMAS_VERSION); \
	  else $(BIN)/python -m pip install --quiet negmas==$(NEGMAS_VERSION); fi; }
	$(BIN)/python benchmarks/analytics.py

# The platform under load: wrk (Debian's, installed here when missing) at 8 connections against
# `goodoffices demo` on SQLite and `goodoffices serve` on PostgreSQL (when it answers), at 10^3
# and 10^5 events. The PostgreSQL database named here is a scratch one: it is dropped first.
BENCH_SERVE_PG ?= postgres://postgres@127.0.0.1:5432/goodoffices_bench_serve
bench-serve: .venv/.installed-dev
	@command -v wrk >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
	$(BIN)/python benchmarks/serve.py --pg $(BENCH_SERVE_PG)

# CPU per service call (a caucus message, a proposal, a readiness) with a profile.
bench-services: .venv/.installed-dev
	$(BIN)/python benchmarks/services.py

# The ledger's epochs: the write rate beside the per-transaction append they replaced, and the
# integration of one epoch of 10^3 and 10^4 events, on SQLite and PostgreSQL (when it answers).
# The PostgreSQL database named here is a scratch one: it is dropped first.
BENCH_EPOCHS_PG ?= postgres://postgres@127.0.0.1:5432/goodoffices_bench_epochs
bench-epochs: .venv/.installed-dev
	$(BIN)/python benchmarks/epochs.py --pg $(BENCH_EPOCHS_PG)

# One escalation pass over 10^5 commitments on PostgreSQL, and the register of 1,000 commitments. The
# database named here is a scratch one: it is dropped first.
BENCH_ESCALATION_PG ?= postgres://postgres@127.0.0.1:5432/goodoffices_bench_escalation
bench-escalation: .venv/.installed-dev
	$(BIN)/python benchmarks/escalation.py --pg $(BENCH_ESCALATION_PG)

clean:
	rm -rf .venv .pytest_cache .mypy_cache .ruff_cache
