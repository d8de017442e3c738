# tidtam: `make demo` builds the dashboard from the bundled sample; `make test` runs the suite.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
AS_OF  ?= 2024-07-31
PORT   ?= 8000

.PHONY: demo test lint serve clean sample

# Create the venv and install the project (with test tools) when pyproject.toml changes.
$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	@touch $(STAMP)

demo: $(STAMP)
	$(BIN)/tidtam build --source sample/data --as-of $(AS_OF) --out site
	@echo
	@echo "Dashboard built: open $(CURDIR)/site/index.html (or run 'make serve')"

test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .

# Preview the built site on http://127.0.0.1:$(PORT)/ (the site itself needs no server).
serve: $(STAMP)
	@test -f site/index.html || $(MAKE) demo
	$(BIN)/python -m http.server $(PORT) --bind 127.0.0.1 --directory site

# Regenerate the bundled sample data (fixed seed: the output is identical every time).
sample: $(STAMP)
	$(BIN)/python sample/generate.py

clean:
	rm -rf site
	rm -rf .pytest_cache .ruff_cache build *.egg-info

# The whole job, for people and schedulers (deploy/): pull the Google Sheets, build, record in
# the history database, publish. Settings: config/sync.yaml; guide: docs/operator-guide.th.md.
.PHONY: sync
sync: $(STAMP)
	$(BIN)/tidtam sync $(SYNC_ARGS)

# Benchmark the full build at each size (SIZES=1k,10k to limit): wall time, peak memory, site
# size, index.html gzipped, beside pandas' read floor. Data is generated into bench/out/
# (git-ignored) on first use. Results: bench/out/results.md; notes: docs/performance.md.
SIZES ?= 1k,10k,100k,1m
.PHONY: bench
bench: $(STAMP)
	$(BIN)/python bench/run.py --sizes $(SIZES)
