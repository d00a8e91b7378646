# sro-reporting: `make report` sets everything up and runs the demo batch; `make test` tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO := data/demo
DEMO_STAMP := $(DEMO)/.written
KERNEL := sro-reporting
# The accessibility checkers of the HTML reports: Debian's Chromium (headless) and a pinned axe-core from npm.
A11Y := .a11y
A11Y_STAMP := $(A11Y)/.installed
AXE_CORE := axe-core@4.14.1
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: setup a11y-tools a11y-check report test lab demo-data validate benchmark clean

setup: $(STAMP)

# The venv, the package with its test extras, and the project's Jupyter kernel (inside .venv).
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/python -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "Python (sro-reporting)"
	touch $@

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

$(DEMO_STAMP): $(STAMP) sro_reporting/demo.py
	$(BIN)/sro-report demo-data $(DEMO)
	touch $@

demo-data: $(DEMO_STAMP)

validate: $(DEMO_STAMP)
	$(BIN)/sro-report validate --data $(DEMO)

report: $(DEMO_STAMP)
	$(BIN)/sro-report run --data $(DEMO) --out outputs/demo --school-year 2025-26 --semester spring

test: $(DEMO_STAMP) $(A11Y_STAMP)
	$(BIN)/python -m pytest

# JupyterLab on the project's kernel; it refuses root unless told (containers often run as root).
lab: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[lab]'
	$(BIN)/jupyter lab --notebook-dir=notebooks $$([ "$$(id -u)" = 0 ] && echo --allow-root)

benchmark: $(DEMO_STAMP)
	$(BIN)/python benchmarks/batch.py
	$(BIN)/python benchmarks/annual_scale.py 100000 1000000
	$(BIN)/python benchmarks/annual_scale.py --bad 0.02 1000000

clean:
	rm -rf outputs/demo outputs/interactive .cache $(A11Y)
