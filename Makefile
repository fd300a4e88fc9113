# The two commands a newcomer needs: `make run` and `make test`. See README.md.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
# The address the site prints and writes into mails, canonical links and feeds: NEWSROOM_SITE_URL when it is
# set, else the host and port `make run` serves on (so `make run PORT=8010` links to :8010).
SITE_URL = $(or $(NEWSROOM_SITE_URL),http://$(HOST):$(PORT))

.PHONY: run test test-fast test-browser install venv migrate demo bench messages clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.installed: $(PY) requirements.txt requirements-dev.txt
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	NEWSROOM_SITE_URL='$(SITE_URL)' $(PY) manage.py seed_demo

# The site and the task queue's worker (webhook deliveries, CDN purges) together; stopping the server stops the worker.
run: demo
	NEWSROOM_SITE_URL='$(SITE_URL)' $(PY) manage.py db_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	NEWSROOM_SITE_URL='$(SITE_URL)' $(PY) manage.py runserver $(HOST):$(PORT)

# The whole suite: fast tests, then the real-browser tests. DATABASE_URL picks the database.
test: install
	$(PY) -m pytest -m "not browser" -q
	$(PY) -m pytest -m browser -q; rc=$$?; [ $$rc -eq 0 ] || [ $$rc -eq 5 ] || exit $$rc

test-fast: install
	$(PY) -m pytest -m "not browser and not slow" -q

test-browser: install
	$(PY) -m pytest -m browser -q

bench: install
	$(PY) -m bench $(BENCH_ARGS)

# Gather the msgids of the code into each app's locale/vi (and locale/ for templates/ and newsroom/), drop the
# ones the code no longer has, then compile every catalogue. The compiled .mo files are committed, so `make run`
# needs no gettext; this target does (apt-get install gettext). Translate new entries, then run it again.
MESSAGES_IGNORE := --ignore=.venv --ignore=tests --ignore=bench --ignore=staticfiles --ignore=test-artifacts \
	--ignore=media --ignore=private-media --ignore=node_modules --ignore=manage.py --ignore=newsroom/settings \
	--ignore='*/demo/*'
messages: install
	$(PY) manage.py makemessages -l vi --no-obsolete --add-location=file $(MESSAGES_IGNORE)
	$(PY) manage.py makemessages -d djangojs -l vi --no-obsolete --add-location=file $(MESSAGES_IGNORE)
	$(PY) manage.py compilemessages -l vi --ignore=.venv

clean:
	rm -rf $(VENV) staticfiles
