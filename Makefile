# carewheel: the two commands of the README.
#   make site   set up, then build the demo site into site/
#   make test   set up everything the tests need (Python packages, Debian's chromium and
#               Java, npm's axe-core and vnu-jar), then run ruff, mypy and the whole test suite
# Everything comes from PyPI, Debian's packages or the npm registry.

# Debian's CPython when there is one: Debian builds it with PGO and LTO and links it
# statically; carewheel takes 1.08x to 1.18x as long on a default pyenv build (shared
# libpython, no PGO); see docs/decisions.md, entry 44. Else python3 from PATH.
PYTHON ?= $(firstword $(wildcard /usr/bin/python3) python3)
VENV   := .venv
BIN    := $(VENV)/bin
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
PYTEST_ARGS ?= -n auto --dist loadfile

.PHONY: site test serve check lint chromium java clean bench bench-setup

site: $(VENV)/.installed
	$(BIN)/carewheel build --strict

test: $(VENV)/.installed-test node_modules/.installed chromium java lint
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

serve: $(VENV)/.installed
	$(BIN)/carewheel serve

check: $(VENV)/.installed
	$(BIN)/carewheel check

$(VENV)/.installed: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -c "import ensurepip" 2>/dev/null || { \
	  echo "Installing Debian's python3-venv (virtual environments for $(PYTHON))"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq python3-venv >/dev/null; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Debian's chromium for the browser tests (Playwright drives it; it never downloads a browser).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium >/dev/null; }
	@command -v chromium >/dev/null 2>&1 || { echo "chromium is still missing" >&2; exit 1; }

# Java for the Nu HTML checker (npm's vnu-jar is a .jar; its postinstall finds this Java and
# downloads nothing).
java:
	@command -v java >/dev/null 2>&1 || { \
	  echo "Installing Debian's default-jre-headless for the Nu HTML checker"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq default-jre-headless >/dev/null; }
	@command -v java >/dev/null 2>&1 || { echo "java is still missing" >&2; exit 1; }

# Benchmarks (not tests): Debian's hugo and a separate venv with Material for MkDocs, so the
# anchors never touch the test environment. Results go to benchmarks/results/.
bench-setup: $(VENV)/.installed-test node_modules/.installed
	@command -v hugo >/dev/null 2>&1 || { \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq hugo >/dev/null; }
	test -x .venv-bench/bin/python || $(PYTHON) -m venv .venv-bench
	.venv-bench/bin/python -m pip install --quiet --disable-pip-version-check \
	  mkdocs==1.6.1 mkdocs-material==9.8.2 click==8.5.1

bench: bench-setup
	$(BIN)/python benchmarks/builds.py
	$(BIN)/python benchmarks/campaigns.py
	$(BIN)/python benchmarks/lint.py
	$(BIN)/python benchmarks/serve.py

clean:
	rm -rf site .site.building-* .site.old-* .carewheel-cache .pytest_cache .mypy_cache .ruff_cache
