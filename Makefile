# Two commands for a fresh Debian machine with Python 3.11: `make book` and `make test`.
# Each installs what it needs on first use (.venv with pinned packages; Debian packages as root).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: book test check lint bench system-packages clean

book: $(STAMP) system-packages
	$(PY) -m analysis build

test: $(STAMP) system-packages
	$(PY) -m ruff check src tests benchmarks data/geo book/_ext
	$(VENV)/bin/lint-imports
	$(VENV)/bin/deptry .
	$(PY) -m pytest

check: $(STAMP)
	$(PY) -m analysis check

bench: $(STAMP) system-packages
	$(PY) benchmarks/bench_build.py

system-packages:
	@bash scripts/system-packages.sh

# One environment: what the book needs (requirements.txt) and the development tools (requirements-dev.txt).
$(STAMP): requirements.txt requirements-dev.txt constraints.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt -r requirements-dev.txt -c constraints.txt
	$(PY) -m pip install --quiet --no-deps -e .
	touch $(STAMP)

clean:
	rm -rf _build book/chapters
