# annot: two commands do everything on a fresh Debian machine with Python 3.11.
#   make lab    install everything, ingest corpus/, open JupyterLab on notebooks/annotate.ipynb
#   make test   install everything, run the full test suite
# Both are idempotent: the install step re-runs only when pyproject.toml or
# scripts/ change.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
STAMP := $(VENV)/.installed

.PHONY: lab test setup benchmarks clean

setup: $(STAMP)

$(STAMP): pyproject.toml scripts/setup.sh scripts/apt-packages.txt
	PYTHON=$(PYTHON) VENV=$(VENV) bash scripts/setup.sh
	touch $(STAMP)

lab: $(STAMP)
	$(VENV)/bin/annot lab

test: $(STAMP)
	$(VENV)/bin/python -m pytest -q

benchmarks: $(STAMP)
	$(VENV)/bin/python benchmarks/run_all.py

clean:
	rm -rf $(VENV) build *.egg-info
