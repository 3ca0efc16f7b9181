# The two commands of the README, plus helpers. Everything is idempotent.
SHELL := /bin/bash
.DEFAULT_GOAL := help

help:  ## list the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

portal:  ## install, start and seed the whole portal at http://127.0.0.1:5000 (Ctrl-C stops it)
	@scripts/portal.sh

dev:  ## like portal, but the web process is `ckan run` (Werkzeug reloader; its debugger if ckan.ini says debug = true): development only
	@scripts/portal.sh --dev

test:  ## run the entire test suite against the real stack (installs and starts what it needs)
	@scripts/test.sh $(ARGS)

services:  ## start PostgreSQL, Redis and Solr only
	@scripts/bootstrap.sh && scripts/services.sh start

stop:  ## stop everything the portal and the tests started
	@-pkill -f 'honcho -d $(CURDIR) -f $(CURDIR)/Procfile start' ; scripts/services.sh stop

backup:  ## back up both databases, the file store and ckan.ini into var/backups/<timestamp>/
	@scripts/bootstrap.sh >/dev/null && scripts/services.sh start >/dev/null && .venv/bin/python deploy/backup.py backup

restore:  ## restore BACKUP=var/backups/<timestamp> into an empty stack, then rebuild the search index
	@test -n "$(BACKUP)" || { echo "usage: make restore BACKUP=var/backups/<timestamp>" >&2; exit 2; }
	@scripts/bootstrap.sh >/dev/null && scripts/services.sh start >/dev/null && .venv/bin/python deploy/backup.py restore "$(BACKUP)"

bench:  ## run the benchmarks (prints ratios against their baselines)
	@scripts/bench.sh

.PHONY: help portal dev test services stop backup restore bench
