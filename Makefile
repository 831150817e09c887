# The two commands of the README, and a few helpers. All the work is in scripts/dev.sh.
.PHONY: run test setup stop lint bench

run:    ## set up everything (first time: a few minutes) and serve on 127.0.0.1:5000
	scripts/dev.sh run

test:   ## set up everything but the server, then ruff and pytest
	scripts/dev.sh test $(PYTEST_ARGS)

setup:  ## set up everything and stop
	scripts/dev.sh setup

stop:   ## stop a catalogue started by `make run`
	scripts/dev.sh stop

lint:
	.venv/bin/ruff check .
