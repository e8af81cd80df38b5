# numdossier — `make demo` builds the sample dossier, `make test` runs the tests.
# Both install what they need: Debian packages (LibreOffice Writer, CJK fonts, qpdf, poppler) when
# missing, and the Python dependencies in .venv.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
OUT ?= out
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all demo test test-fast lint format bench fuzz system-deps clean

all: test

system-deps:
	@missing=""; \
	command -v soffice >/dev/null 2>&1 || command -v libreoffice >/dev/null 2>&1 || missing="$$missing libreoffice-writer-nogui"; \
	command -v qpdf >/dev/null 2>&1 || missing="$$missing qpdf"; \
	command -v gs >/dev/null 2>&1 || missing="$$missing ghostscript"; \
	command -v pdffonts >/dev/null 2>&1 || missing="$$missing poppler-utils"; \
	command -v fc-list >/dev/null 2>&1 || missing="$$missing fontconfig"; \
	[ -f /usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc ] || missing="$$missing fonts-noto-cjk"; \
	[ -f /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc ] || missing="$$missing fonts-wqy-zenhei"; \
	fc-list | grep -q "Liberation Serif" || missing="$$missing fonts-liberation2"; \
	$(PYTHON) -c "import venv, ensurepip" >/dev/null 2>&1 || missing="$$missing python3-venv"; \
	[ ! -e /usr/lib/libreoffice/program/python ] && ! /usr/bin/python3 -c "import uno" >/dev/null 2>&1 && missing="$$missing python3-uno"; \
	if [ -n "$$missing" ]; then \
		echo "Installing Debian packages:$$missing"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

# The samples are signed on 2026-11-20 (signing.date); the demo checks them as of three days later, so
# that the date rules (DATE-SIGNING: not in the future, at most 10 days old) hold on any day it runs.
DEMO_TODAY ?= 2026-11-23

demo: system-deps $(STAMP)
	@echo "Samples signed 2026-11-20, checked as of --today $(DEMO_TODAY) (make demo DEMO_TODAY=YYYY-MM-DD to change)"
	$(BIN)/numdossier build samples/*/*.toml -o $(OUT) --today $(DEMO_TODAY)
	@echo "Sample dossiers: $$(ls $(OUT)/*/dossier.pdf | tr '\n' ' ')"

test: system-deps $(STAMP)
	$(BIN)/pytest -q

# Everything but the e2e tests (they start LibreOffice) and the slow ones, on 2 processes, with fewer
# hypothesis examples per property (tests/conftest.py): the lane to run while editing. Bytecode is
# written even where PYTHONDONTWRITEBYTECODE is set: pytest keeps its assertion-rewritten test modules
# (and hypothesis, a plugin, which it rewrites too) only in __pycache__, else each worker rewrites
# 127 modules on every run (about 2.5 CPU-s each). --dist worksteal: each worker starts on its half of
# the tests in file order (a module's tests and fixtures stay together) and takes over the other's
# remainder when idle, so neither waits for the other at the end.
test-fast: $(STAMP)
	env -u PYTHONDONTWRITEBYTECODE $(BIN)/pytest -q -m "not e2e and not slow" -n 2 --dist worksteal --hypothesis-profile=fast

bench: system-deps $(STAMP)
	$(BIN)/python bench/bench.py

fuzz: system-deps $(STAMP)
	NUMDOSSIER_FUZZ_EXAMPLES=$${NUMDOSSIER_FUZZ_EXAMPLES:-2000} $(BIN)/pytest -q tests/test_fuzz.py tests/test_bad_inputs.py

lint: $(STAMP)
	$(BIN)/ruff check numdossier tests tools
	$(BIN)/ruff format --check numdossier tests tools
	$(BIN)/mypy numdossier tools tests  # --strict for all three: [tool.mypy] in pyproject.toml

format: $(STAMP)
	$(BIN)/ruff format numdossier tests tools
	$(BIN)/ruff check --fix numdossier tests tools

clean:
	rm -rf $(OUT) .pytest_cache .mypy_cache .ruff_cache build dist *.egg-info
