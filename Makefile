# The two commands of the README, and a few helpers. All the work is in scripts/dev.sh.
# Ports and the stack's directory come from the environment: PG_PORT, REDIS_PORT,
# CKAN_PORT, PG_CLUSTER, DEV_DIR (see scripts/dev.sh).
.PHONY: run test setup stop status lint check-install check-devstack

run:    ## set up everything (first time: a few minutes) and serve on 127.0.0.1:5000
	scripts/dev.sh run

test:   ## set up everything but the server, then ruff and pytest
	scripts/dev.sh test $(PYTEST_ARGS)

setup:  ## set up everything and stop
	scripts/dev.sh setup

stop:   ## stop the catalogue, and the PostgreSQL and Redis that dev.sh started
	scripts/dev.sh stop

status: ## what runs, and what dev.sh started
	scripts/dev.sh status

lint:
	.venv/bin/ruff check .

check-install:   ## the wheel into a virtualenv with another CKAN 2.11 keeps that CKAN
	scripts/check-install-into-site.sh $(SITE_CKAN)

check-devstack:  ## dev.sh's start, reuse, stop and kill -9 paths on throwaway ports
	scripts/check-devstack.sh
