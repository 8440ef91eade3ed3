# The two commands of the README: `make book` and `make test`.
.PHONY: book test test-fast lint bench docs clean

book:
	@scripts/setup.sh
	.venv/bin/make-book build

test:
	@scripts/setup.sh --test
	.venv/bin/python -m pytest

# The edit-test loop: every test but those that run EPUBCheck (Java), Chromium or Ace.
test-fast:
	@scripts/setup.sh --test
	.venv/bin/python -m pytest -m "not epubcheck and not browser and not ace and not slow"

lint:
	@scripts/setup.sh --test
	.venv/bin/ruff check src tests scripts

bench:
	@scripts/setup.sh
	.venv/bin/python scripts/bench.py

docs:
	@scripts/setup.sh
	.venv/bin/python scripts/make_config_docs.py

clean:
	rm -rf dist .cache
