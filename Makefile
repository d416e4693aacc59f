# `make test` runs the whole test suite (the fast part, then end to end), setting up .venv on
# first use (scripts/bootstrap.sh). `make test-fast` leaves out the tests that start a bot
# process (marker e2e), `make test-e2e` runs only those, `make lint` is the gate
# (docs/development.md). PYTEST_ARGS goes to pytest: make test-fast PYTEST_ARGS="-x tests/test_cli.py".
# The bot itself: ./run
.PHONY: test test-fast test-e2e lint bench setup
setup:
	scripts/bootstrap.sh

test: test-fast test-e2e

# pytest exits 5 when PYTEST_ARGS picked no test of this half: not a failure of the target.
test-fast: setup
	.venv/bin/python -m pytest -m "not e2e" $(PYTEST_ARGS) || [ $$? -eq 5 ]

test-e2e: setup
	.venv/bin/python -m pytest -m e2e $(PYTEST_ARGS) || [ $$? -eq 5 ]

lint: setup
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/mypy

bench: setup
	.venv/bin/python -m benchmarks
