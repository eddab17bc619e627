# Two commands on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
# Development: the built-in SECRET_KEY is allowed (portal/__init__.py refuses it elsewhere).
FLASK := PORTAL_ENV=development $(VENV)/bin/flask --app wsgi
# One worker per core; each test file stays on one worker (its module fixtures, once;
# tests/conftest.py keeps the files sharing the public walk together).
PYTEST_WORKERS ?= -n auto --dist loadfile
GOVUK := node_modules/govuk-frontend/dist/govuk

.PHONY: setup run serve test lint unit db demo assets chromium services clean translations messages

setup: $(VENV)/.installed node_modules/.installed assets translations db

$(VENV)/.installed: pyproject.toml constraints.txt
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -c constraints.txt -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts
	touch $@

# The council's colour is configuration: a change to it is a rebuild of the CSS.
assets: $(VENV)/.installed node_modules/.installed
	mkdir -p static/dist static/assets
	$(FLASK) council-scss > static/dist/_council.scss
	npx sass --pkg-importer=node --load-path=static/dist --style=compressed --quiet-deps --no-source-map static/src/app.scss static/dist/app.css
	cp $(GOVUK)/govuk-frontend.min.js static/dist/govuk-frontend.min.js
	cp static/src/app.mjs static/dist/app.mjs
	cp node_modules/htmx.org/dist/htmx.min.js static/dist/htmx.min.js
	cp -r $(GOVUK)/assets/. static/assets/

# The Welsh catalogue is kept as text (portal/translations/cy/LC_MESSAGES/messages.po)
# and compiled here; `make messages` brings it up to date after strings change.
translations: $(VENV)/.installed
	$(VENV)/bin/pybabel compile --statistics -d portal/translations -D messages

messages: $(VENV)/.installed
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -c Translators: --sort-output --omit-header --width 100 -o portal/translations/messages.pot .
	$(VENV)/bin/pybabel update --width 100 --no-fuzzy-matching --ignore-obsolete -i portal/translations/messages.pot -d portal/translations -D messages

db: $(VENV)/.installed
	$(FLASK) db upgrade
	$(FLASK) demo load

# The web server, one outbox worker and a local SMTP server that prints every message;
# first, today's deadline reminders (cron runs them daily: docs/reminders.md).
run: setup
	$(FLASK) deadlines remind
	@echo "The portal is at http://127.0.0.1:5000 ; emails (and texts, as emails to <number>@sms.localhost) are printed below."
	@trap 'kill 0' EXIT INT TERM; \
	$(PY) -m aiosmtpd -n -l 127.0.0.1:$${MAIL_PORT:-8025} -c aiosmtpd.handlers.Debugging stdout & \
	SMS_EMAIL_GATEWAY=$${SMS_EMAIL_GATEWAY:-sms.localhost} $(FLASK) outbox work & \
	SMS_EMAIL_GATEWAY=$${SMS_EMAIL_GATEWAY:-sms.localhost} WELSH_ENABLED=$${WELSH_ENABLED:-true} SESSION_COOKIE_SECURE=$${SESSION_COOKIE_SECURE:-false} \
	$(FLASK) run --host 127.0.0.1 --port 5000

# PostgreSQL and Redis on this machine, started if they are down (the limits' test and
# bench/load.py use Redis; CI's second run uses PostgreSQL).
services:
	@pg_isready -q -h 127.0.0.1 -p 5432 || { \
	  pg_ctlcluster --skip-systemctl-redirect "$$(ls /etc/postgresql)" main start; \
	  for _ in $$(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done; }
	@redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 || \
	  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no

# Debian's packages the tests drive: Chromium, and poppler's pdftotext (a PDF's words).
chromium:
	@command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium)
	@command -v pdftotext >/dev/null || (apt-get update -qq && apt-get install -y -qq poppler-utils)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check portal tests bench
	$(VENV)/bin/ruff format --check portal tests bench
	$(VENV)/bin/mypy

test: setup chromium services lint
	$(FLASK) db check
	$(VENV)/bin/pytest $(PYTEST_WORKERS)

clean:
	rm -rf $(VENV) node_modules static/dist static/assets instance portal/translations/*/LC_MESSAGES/*.mo
