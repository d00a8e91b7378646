# sro-reporting: `make report` sets everything up and runs the demo batch; `make test` tests.
# Installs come from the lock files in requirements/ (exact versions with their sha256), so a
# report made next year runs on the same libraries; `make lock` refreshes them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LAB_STAMP := $(VENV)/.lab-installed
DEMO := data/demo
DEMO_STAMP := $(DEMO)/.written
KERNEL := sro-reporting
LOCK := requirements/lock.txt
LAB_LOCK := requirements/lab.txt
UV_LOCK := requirements/uv.txt
# One command line for every lock: one version of each package for every platform and Python 3.11+.
COMPILE = $(BIN)/uv pip compile --quiet --universal --fork-strategy fewest --generate-hashes --python-version 3.11

# The accessibility checkers of the HTML reports: Debian's Chromium (headless) and a pinned axe-core from npm.
A11Y := .a11y
A11Y_STAMP := $(A11Y)/.installed
AXE_CORE := axe-core@4.14.1
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: setup bytecode a11y-tools a11y-check report test lab lock demo-data validate benchmark clean

setup: $(STAMP)

# The package's own bytecode, refreshed before each run: installed editable, it is compiled by nothing
# else, and where PYTHONDONTWRITEBYTECODE is set every process (the parent, each worker and kernel) would
# compile it from source at each start. Only changed files are compiled again.
bytecode: $(STAMP)
	$(BIN)/python -m compileall -q sro_reporting

# A new venv whenever the lock changes: the locked packages (uv installs them in seconds; pip with
# --require-hashes where uv cannot be had), the package itself, and the project's Jupyter kernel.
# Bytecode is compiled at install, as pip does: where PYTHONDONTWRITEBYTECODE is set, every process
# (each worker and kernel) would otherwise compile pandas and the rest from source at each start.
$(STAMP): pyproject.toml $(LOCK) $(UV_LOCK)
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	if $(BIN)/python -m pip install --quiet --require-hashes --no-deps -r $(UV_LOCK); then \
	  $(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python --require-hashes -r $(LOCK) && \
	  $(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e . ; \
	else \
	  $(BIN)/python -m pip install --quiet --require-hashes -r $(LOCK) && \
	  $(BIN)/python -m pip install --quiet --no-deps -e . ; \
	fi
	$(BIN)/python -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "Python (sro-reporting)"
	touch $@

# JupyterLab comes from its own lock (the test lock plus JupyterLab, same versions of what they share).
$(LAB_STAMP): $(STAMP) $(LAB_LOCK)
	$(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python --require-hashes -r $(LAB_LOCK) \
	  || $(BIN)/python -m pip install --quiet --require-hashes -r $(LAB_LOCK)
	touch $@

# Refresh the locks to the newest releases that pyproject.toml allows, and environment.yml with them.
# `make lock UPGRADE=` keeps every pin it can and only adds or moves what pyproject.toml now asks for
# (a new dependency, a raised floor).
UPGRADE ?= --upgrade
lock: $(STAMP)
	$(COMPILE) $(UPGRADE) pyproject.toml --extra test -o $(LOCK)
	$(COMPILE) $(UPGRADE) pyproject.toml --extra test --extra lab -c $(LOCK) -o $(LAB_LOCK)
	$(COMPILE) $(UPGRADE) requirements/uv.in -o $(UV_LOCK)
	$(BIN)/python requirements/environment.py --write

# Chromium from apt where the machine lacks it (CI starts bare), axe-core into .a11y/node_modules.
$(A11Y_STAMP): Makefile
	command -v chromium >/dev/null 2>&1 || { $(SUDO) apt-get update && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y --no-install-recommends chromium; }
	mkdir -p $(A11Y)
	npm install --prefix $(A11Y) --no-audit --no-fund --loglevel=error $(AXE_CORE)
	touch $@

a11y-tools: $(A11Y_STAMP)

# Check every PDF (PDF/UA-1) and HTML report (axe-core, WCAG 2.1 AA) of a run folder: make a11y-check OUT=outputs/demo
OUT ?= outputs/demo
a11y-check: $(STAMP) $(A11Y_STAMP)
	$(BIN)/python tests/accessibility.py $(OUT)

$(DEMO_STAMP): $(STAMP) $(wildcard sro_reporting/demo/*.py)
	$(BIN)/sro-report demo-data $(DEMO)
	touch $@

demo-data: $(DEMO_STAMP)

validate: $(DEMO_STAMP) bytecode
	$(BIN)/sro-report validate --data $(DEMO)

report: $(DEMO_STAMP) bytecode
	$(BIN)/sro-report run --data $(DEMO) --out outputs/demo --school-year 2025-26 --semester spring

test: $(DEMO_STAMP) $(A11Y_STAMP) bytecode
	$(BIN)/python -m pytest

# JupyterLab at the project root (notebooks/ and outputs/ both in its file browser), on the
# project's kernel; it refuses root unless told (containers often run as root).
lab: $(LAB_STAMP) $(DEMO_STAMP) bytecode
	$(BIN)/jupyter lab --ServerApp.root_dir=. $$([ "$$(id -u)" = 0 ] && echo --allow-root)

benchmark: $(DEMO_STAMP) bytecode
	$(BIN)/python benchmarks/batch.py
	$(BIN)/python benchmarks/rerun.py
	$(BIN)/python benchmarks/one_report.py
	$(BIN)/python benchmarks/annual_scale.py 100000 1000000
	$(BIN)/python benchmarks/annual_scale.py --bad 0.02 1000000

clean:
	rm -rf outputs/demo outputs/interactive .cache $(A11Y)
