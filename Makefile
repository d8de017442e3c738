# tidtam: `make demo` builds the dashboard from the bundled sample; `make test` runs the suite.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
AS_OF  ?= 2024-07-31
# The demo records the sample as of each earlier month end first, into its own history
# database, so the dashboard shows a trend and what changed since the last update.
DEMO_MONTHS  ?= 2024-03-31 2024-04-30 2024-05-31 2024-06-30
DEMO_HISTORY := var/demo-history.sqlite
# Memos print their PDFs with Chromium; without it the demo leaves them out and says so.
CHROMIUM     := $(wildcard /usr/bin/chromium)
PORT   ?= 8000

.PHONY: demo test lint serve clean sample

# Create the venv and install the project (with test tools) when pyproject.toml changes.
$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	@touch $(STAMP)

demo: $(STAMP)
	@mkdir -p var && rm -f $(DEMO_HISTORY) $(DEMO_HISTORY)-journal var/demo.log
	@for day in $(DEMO_MONTHS); do \
		echo "recording the sample as of $$day (earlier update, for the trend and changes)"; \
		$(BIN)/tidtam build --source sample/data --as-of $$day --out site --record \
			--history $(DEMO_HISTORY) >/dev/null 2>var/demo.log || { cat var/demo.log; exit 1; }; \
	done
ifneq ($(CHROMIUM),)
	@echo "follow-up memos as of $(lastword $(DEMO_MONTHS)), recorded as reminders"
	@$(BIN)/tidtam memos --source sample/data --as-of $(lastword $(DEMO_MONTHS)) \
		--out var/demo-memos --record --history $(DEMO_HISTORY) >/dev/null 2>var/demo.log \
		|| { cat var/demo.log; exit 1; }
	$(BIN)/tidtam build --source sample/data --as-of $(AS_OF) --out site --record \
		--history $(DEMO_HISTORY) --memos
else
	@echo "no /usr/bin/chromium: the demo leaves out the follow-up memos (apt-get install chromium)"
	$(BIN)/tidtam build --source sample/data --as-of $(AS_OF) --out site --record \
		--history $(DEMO_HISTORY)
endif
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
	rm -f $(DEMO_HISTORY) $(DEMO_HISTORY)-journal var/demo.log
	rm -rf var/demo-memos
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
