# sro-reporting: `make report` sets everything up and runs the demo batch; `make test` tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO := data/demo
DEMO_STAMP := $(DEMO)/.written
KERNEL := sro-reporting

.PHONY: setup report test lab demo-data validate benchmark clean

setup: $(STAMP)

# The venv, the package with its test extras, and the project's Jupyter kernel (inside .venv).
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/python -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "Python (sro-reporting)"
	touch $@

$(DEMO_STAMP): $(STAMP) sro_reporting/demo.py
	$(BIN)/sro-report demo-data $(DEMO)
	touch $@

demo-data: $(DEMO_STAMP)

validate: $(DEMO_STAMP)
	$(BIN)/sro-report validate --data $(DEMO)

report: $(DEMO_STAMP)
	$(BIN)/sro-report run --data $(DEMO) --out outputs/demo --school-year 2025-26 --semester spring

test: $(DEMO_STAMP)
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
	rm -rf outputs/demo outputs/interactive .cache
