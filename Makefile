# Số liệu sơ kết 01 năm chính quyền cấp xã — `make` lists the targets.
.DEFAULT_GOAL := help
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)

.PHONY: help all install templates demo validate ingest build serve test test-windows lint bench notebooks docs clean

help: ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-11s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	@rm -f $(VENV)/.installed-* && touch $@

install: $(STAMP) ## Create .venv and install the project (done automatically by the other targets)

all: $(STAMP) ## Run the whole pipeline: templates, validation, warehouse, indicators, charts, annex, report
	$(PY) -m pipeline build

templates: $(STAMP) ## Write the blank templates of every unit into outputs/templates/
	$(PY) -m pipeline templates

demo: $(STAMP) ## Write the demo workbooks (SỐ LIỆU MINH HỌA) into outputs/demo_inputs/
	$(PY) -m pipeline demo

ingest: $(STAMP) ## Validate every file in inputs/ and load the valid ones into the warehouse
	$(PY) -m pipeline ingest

serve: $(STAMP) ## Start the upload portal on http://127.0.0.1:8000
	$(PY) -m pipeline serve

test: $(STAMP) ## Run the whole test suite (with the simulated-Windows job, tests/test_windows.py)
	$(PY) -m pytest

test-windows: $(STAMP) ## Run the suite (without LibreOffice and browser tests) under a simulated Windows
	PYTHONPATH=tests/windows_site:. PYTHONIOENCODING=cp1258 $(PY) -m pytest -m "not slow" -p no:cacheprovider

lint: $(STAMP) ## Check style with ruff
	$(PY) -m ruff check pipeline tests

bench: $(STAMP) ## Measure speed and memory (validate + ingest, make all, upload)
	$(PY) tests/bench.py

notebooks: $(STAMP) ## Open the analysts' notebooks in JupyterLab
	$(PY) -m pip install -q -e '.[dev,notebooks]'
	$(VENV)/bin/jupytext --sync notebooks/*.py
	$(VENV)/bin/jupyter lab $(if $(filter 0,$(shell id -u)),--allow-root) notebooks/

docs: $(STAMP) ## Refresh the README's generated blocks (templates, placeholders, tables)
	$(PY) -m pipeline.docs

clean: ## Delete outputs/ (make all rebuilds it from inputs/)
	find outputs -mindepth 1 ! -name .gitkeep -delete
