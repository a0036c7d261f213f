# The two commands: `make run` and `make test` (see README.md).
SHELL := /bin/bash
comma := ,
.DEFAULT_GOAL := help

ADDONS      := appliance_sales,appliance_stock,appliance_crm,appliance_reports
TEST_ADDONS := $(ADDONS),test_appliance_full,test_appliance_adversarial
DB          ?= appliance_demo
TEST_DB     ?= appliance_test
PORT        ?= 8069
HISTORY     ?= demo
# Odoo's interpreter: $(ODOO_PYTHON) if set, else found by tools/odoo-python (which
# explains how to install Odoo 19 when it is missing).
ODOO_PY      = $(shell tools/odoo-python)
ODOO         = $(ODOO_PY) -m odoo -c odoo.conf --data-dir=$(CURDIR)/.odoo-data

.PHONY: help check-odoo deps sysdeps run test test-slow test-adversarial load lint i18n bench-data clean

help:
	@echo "make run     - install or update DB '$(DB)' with demo data + history, serve http://localhost:$(PORT) (admin/admin)"
	@echo "make test    - fresh DB '$(TEST_DB)', install the addons, run every test, print 'N passed, N failed'"
	@echo "make test-slow - the on-demand suites (concurrency trials...) tagged appliance_slow"
	@echo "make test-adversarial - the long adversarial suites (access, abuse, concurrency, crashes; tests/adversarial)"
	@echo "make load    - 50 simulated users for 30 minutes against the benchmark database (tests/load)"
	@echo "make lint    - ruff, ruff-format, pylint-odoo, XML checks and the Odoo 19 idiom gate"
	@echo "make i18n    - re-export each addon's .pot from DB '$(DB)' and sync zh_CN.po to it"
	@echo "make bench-data SCALE=bench - build the benchmark dataset in DB appliance_bench"

check-odoo:
	@tools/odoo-python >/dev/null

# PyPI requirements go into Odoo's environment, only when something is missing.
deps: check-odoo
	@$(ODOO_PY) tools/ensure_requirements.py requirements.txt

# System packages for browser tests, PDF and Chinese fonts (installed as root when missing).
sysdeps:
	@tools/ensure_sysdeps.sh

run: deps
	@$(ODOO_PY) tools/prepare_db.py --db $(DB) --addons $(ADDONS) --history $(HISTORY)
	$(ODOO) -d $(DB) --http-port=$(PORT) --db-filter='^$(DB)$$'

test: deps sysdeps
	@$(ODOO_PY) tools/run_tests.py --db $(TEST_DB) --addons $(TEST_ADDONS)

# Suites too slow for every run (hundreds of concurrency trials): on demand.
test-slow: deps sysdeps
	@$(ODOO_PY) tools/run_tests.py --db $(TEST_DB)_slow --addons $(TEST_ADDONS) --tag appliance_slow

# Issue #8's long suites (hours on 2 cores): the tagged Odoo tests (access probes by
# group, 200-trial thread races), then the server-based ones (tests/adversarial).
# Shorter: ADVERSARIAL_TRIALS=50 make test-adversarial OVERSELL_ARGS="--trials 50".
test-adversarial: deps sysdeps
	@$(ODOO_PY) tools/run_tests.py --db $(TEST_DB)_adversarial --addons $(TEST_ADDONS) --tag appliance_adversarial
	nice -n 19 $(ODOO_PY) tests/adversarial/oversell.py -d $(TEST_DB)_oversell --fresh --modes server $(OVERSELL_ARGS)
	nice -n 19 $(ODOO_PY) tests/adversarial/retry_safety.py -d $(TEST_DB)_retry --fresh
	nice -n 19 $(ODOO_PY) tests/adversarial/crash.py -d $(TEST_DB)_crash --create

# 50 simulated users for 30 minutes against a copy of the benchmark database
# (make bench-data first); see tests/load/README.md.
load: deps
	$(ODOO_PY) tests/load/load.py -d appliance_load --from-template appliance_bench --async-emails on $(LOAD_ARGS)

lint:
	@tools/lint.sh

i18n: check-odoo
	@for a in $(subst $(comma), ,$(ADDONS)); do \
	  $(ODOO_PY) -m odoo i18n export -c odoo.conf -d $(DB) -o addons/$$a/i18n/$$a.pot $$a \
	    || exit 1; done
	@$(ODOO_PY) tools/i18n_sync.py $(subst $(comma), ,$(ADDONS))

bench-data: deps
	@$(ODOO_PY) tools/prepare_db.py --db appliance_bench --addons $(ADDONS) --history $(or $(SCALE),bench)

clean:
	rm -rf .odoo-data .test-logs
