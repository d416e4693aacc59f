# `make test` runs the whole test suite, setting up .venv on first use (scripts/bootstrap.sh).
# The bot itself: ./run
.PHONY: test bench setup
setup:
	scripts/bootstrap.sh

test: setup
	.venv/bin/python -m pytest $(PYTEST_ARGS)

bench: setup
	.venv/bin/python -m benchmarks
