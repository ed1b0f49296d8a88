# Two promises (README): `make demo` and `make test` work on a fresh clone.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PYTHON := $(BIN)/python
# Extra requirement for a leg that runs on another Django (e.g. DJANGO_SPEC="Django>=6,<6.2").
DJANGO_SPEC ?=
PORT ?= 8000
# The address the demo is served at: links in emails and the QR codes of certificates.
PUBLIC_URL ?= http://127.0.0.1:$(PORT)
POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/academy
MANAGE := $(PYTHON) manage.py

PHONY_LRS := lrs-venv
.PHONY: $(PHONY_LRS) venv demo serve seed screenshots test test-plugin test-postgres test-e2e test-e2e-postgres bench bench-workers load lint format messages check-deploy clean

$(BIN)/.installed: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev,site]" $(if $(DJANGO_SPEC),"$(DJANGO_SPEC)")
	touch $@

venv: $(BIN)/.installed

demo: venv
	$(MANAGE) migrate --noinput
	WAGTAILADMIN_BASE_URL=$(PUBLIC_URL) $(MANAGE) seed_demo
	@echo "Serving on $(PUBLIC_URL)/ (admin: $(PUBLIC_URL)/admin/)"
	WAGTAILADMIN_BASE_URL=$(PUBLIC_URL) $(MANAGE) runserver 127.0.0.1:$(PORT)

seed: venv
	$(MANAGE) migrate --noinput
	WAGTAILADMIN_BASE_URL=$(PUBLIC_URL) $(MANAGE) seed_demo

# The README's screenshots (docs/*.png), from a fresh demo in a temporary SQLite database;
# headless Chromium as for test-e2e, and pdftoppm (poppler-utils) for the certificate.
screenshots: venv
	$(PYTHON) docs/screenshots.py

test: venv
	$(BIN)/pytest $(PYTEST_ARGS)

# The README's "Add the academy to your Wagtail site", step by step: the wheel built and
# installed into a site freshly made by `wagtail start` (its own venv, PyPI), then an officer
# (a plain auth.User) enrols, completes a course and verifies the certificate.
test-plugin: venv
	PY=$(PY) BUILD_PYTHON=$(PYTHON) bash tests/plugin/install_check.sh

# Ralph, the LRS the xAPI tests send statements to, in its own venv (its dependencies stay
# out of the project's); the tests make it themselves when it is missing (tests/lrs.py).
RALPH_SPEC ?= ralph-malph[lrs,cli]==5.1.0
.venv-lrs/bin/ralph:
	$(PY) -m venv .venv-lrs
	.venv-lrs/bin/pip install --quiet "$(RALPH_SPEC)" "requests>=2.31,<3"

lrs-venv: .venv-lrs/bin/ralph

test-postgres: venv
	DATABASE_URL=$(POSTGRES_URL) $(BIN)/pytest $(PYTEST_ARGS)

# axe-core (the accessibility rules) comes from npm, pinned by package-lock.json, with the
# players of content packages (scorm-again, h5p-standalone: vendored in courses/static, see
# README). No install scripts: h5p-standalone's would insist on yarn, and none is needed.
AXE := node_modules/axe-core/axe.min.js
$(AXE): package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

# Browser journeys in headless Chromium (Debian's `chromium`; CHROMIUM=/path to use another).
# Screenshots of a failing journey go to test-results/.
test-e2e: venv $(AXE)
	$(BIN)/pytest -m e2e tests/e2e $(PYTEST_ARGS)

test-e2e-postgres: venv $(AXE)
	DATABASE_URL=$(POSTGRES_URL) $(BIN)/pytest -m e2e tests/e2e $(PYTEST_ARGS)

# Figures, not tests: written to benchmarks/results/ (WeasyPrint needs Pango from the system).
bench: venv
	$(BIN)/pip install --quiet -e ".[bench]"
	$(PYTHON) benchmarks/certificates.py
	$(PYTHON) benchmarks/pages.py
	$(PYTHON) benchmarks/credentials.py

# 1,000 signed certificates issued by two `db_worker` processes on PostgreSQL (the load
# test's database, recreated): time, each worker's peak memory, parts per worker.
bench-workers: venv
	$(BIN)/pip install --quiet -e ".[load]"
	POSTGRES_LOAD_URL=$(POSTGRES_LOAD_URL) $(PYTHON) benchmarks/certificate_workers.py

# The site under load on this machine: PostgreSQL database recreated and seeded at
# LOAD_SCALE, gunicorn on 127.0.0.1, locust's officers, then the records checked.
# Results in loadtest/results/latest.md; exits non-zero if a rule of the records broke.
POSTGRES_LOAD_URL ?= postgres://postgres@127.0.0.1:5432/academy_load
LOAD_SCALE ?= 1
LOAD_USERS ?= 40
LOAD_RATE ?= 10
LOAD_TIME ?= 60s
LOAD_WORKERS ?= 3
# LOAD_MODE=capacity: officers with 20-40 s of think time ramped at LOAD_RATE a second up
# to LOAD_USERS, stopped at the knee, with the quiz-start spike (README "Capacity").
LOAD_MODE ?= journey
# LOAD_SERVERS=2: two gunicorn instances behind nginx, sharing PostgreSQL, Redis and files.
LOAD_SERVERS ?= 1
LOAD_TASK_WORKERS ?= 2
LOAD_REDIS_URL ?= redis://127.0.0.1:6379/0
load: venv
	$(BIN)/pip install --quiet -e ".[load]"
	POSTGRES_LOAD_URL=$(POSTGRES_LOAD_URL) LOAD_SCALE=$(LOAD_SCALE) LOAD_USERS=$(LOAD_USERS) \
	LOAD_RATE=$(LOAD_RATE) LOAD_TIME=$(LOAD_TIME) LOAD_WORKERS=$(LOAD_WORKERS) \
	LOAD_MODE=$(LOAD_MODE) LOAD_SERVERS=$(LOAD_SERVERS) LOAD_TASK_WORKERS=$(LOAD_TASK_WORKERS) \
	LOAD_REDIS_URL=$(LOAD_REDIS_URL) $(PYTHON) -m loadtest.run

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/djhtml --check $$(find templates academy courses certificates home -name '*.html')

format: venv
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	$(BIN)/djhtml $$(find templates academy courses certificates home -name '*.html')

# One catalogue per plugin app (<app>/locale, shipped in the wheel with the app) and one of
# the site (config/locale, LOCALE_PATHS) for config/, home/ and templates/.
LANGUAGES_OPTIONS := -l fr -l nl -l es -l pt
PLUGIN_APPS := academy courses certificates
messages: venv
	for app in $(PLUGIN_APPS); do \
		(cd $$app && $(abspath $(PYTHON)) ../manage.py makemessages --no-obsolete --no-location \
			$(LANGUAGES_OPTIONS)) || exit 1; \
	done
	$(MANAGE) makemessages --no-obsolete --no-location $(LANGUAGES_OPTIONS) \
		--ignore='.venv*' --ignore=node_modules --ignore=tests --ignore=docs \
		--ignore=benchmarks --ignore=loadtest --ignore=build $(foreach app,$(PLUGIN_APPS),--ignore=$(app))
	$(MANAGE) compilemessages --ignore='.venv*' --ignore=node_modules --ignore=build

check-deploy: venv
	DJANGO_SETTINGS_MODULE=config.settings.production \
	SECRET_KEY=check-deploy-only-$$(date +%s)-not-a-real-secret-key-0123456789abcdef \
	ALLOWED_HOSTS=academy.example TRUSTED_PROXIES=1 DATABASE_CACHE=true \
	$(MANAGE) check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) .venv-next .pytest_cache node_modules
