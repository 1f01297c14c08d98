# The two commands of the README: `make serve` (set up, build and validate the graph, serve it; PORT=… HOST=… to
# choose where) and `make test` (set up and run the whole suite). `make run` builds, validates and prints statistics.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
YASGUI := api/static/vendor/yasgui/yasgui.min.js
CYTOSCAPE := api/static/vendor/cytoscape/cytoscape.min.js
CHARTJS := api/static/vendor/chartjs/chart.umd.min.js
COMUNICA := build/comunica/node_modules/.bin/comunica-sparql

.PHONY: run test test-slow build lint clean chromium serve bench bytecode scale facade facade-virtuoso soak hostile yasgui cytoscape chartjs comunica \
	virtuoso scale-virtuoso

$(BIN)/qhfin: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --quiet --upgrade pip
	$(BIN)/pip install --quiet --quiet -e '.[test]'
	touch $@

run: $(BIN)/qhfin
	$(BIN)/qhfin build
	$(BIN)/qhfin stats

build: $(BIN)/qhfin
	$(BIN)/qhfin build

test: chromium $(BIN)/qhfin $(YASGUI) $(CYTOSCAPE) $(CHARTJS) $(COMUNICA)
	$(BIN)/ruff check qhfin api tests
	$(BIN)/lint-imports
	$(BIN)/pytest -q

test-slow: $(BIN)/qhfin
	$(BIN)/pytest -q -m slow

lint: $(BIN)/qhfin
	$(BIN)/ruff check qhfin api tests
	$(BIN)/lint-imports

# The browser tests (tests/browser) drive Debian's chromium through the Python playwright package (installed with
# the test extras); never `playwright install`. A CJK font so that the pages' Chinese renders. Needs root: CI runs it.
chromium:
	@dpkg -s chromium fonts-wqy-zenhei >/dev/null 2>&1 || { apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-wqy-zenhei; }

# The service: build the graph when its inputs changed (the build validates it), install the query editor, serve.
GRAPH_INPUTS := $(shell find source ontology shapes graph -type f 2>/dev/null) $(wildcard qhfin/*.py)
build/qhfin.trig: $(BIN)/qhfin $(GRAPH_INPUTS)
	$(BIN)/qhfin build

PORT ?=
HOST ?=
# The project's modules compiled ahead, as pip does for installed packages: an editable install is not, and where
# PYTHONDONTWRITEBYTECODE is set every start compiled ~80 modules again (0.08 s of a 0.3 s start). Only what changed
# is compiled again.
bytecode: $(BIN)/qhfin
	$(BIN)/python -m compileall -q qhfin api > /dev/null

serve: $(BIN)/qhfin build/qhfin.trig $(YASGUI) $(CYTOSCAPE) $(CHARTJS) bytecode
	$(BIN)/qhfin serve $(if $(PORT),--port $(PORT)) $(if $(HOST),--host $(HOST))

# The SPARQL editor (YASGUI) from the npm registry, served by the app itself: nothing is fetched from a CDN at run time.
YASGUI_VERSION := 4.6.2
yasgui: $(YASGUI)
$(YASGUI):
	@command -v npm >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm; }
	npm install --silent --no-save --no-audit --no-fund --ignore-scripts --prefix build/npm @zazuko/yasgui@$(YASGUI_VERSION)
	mkdir -p $(dir $@)
	cp build/npm/node_modules/@zazuko/yasgui/build/yasgui.min.js build/npm/node_modules/@zazuko/yasgui/build/yasgui.min.css $(dir $@)
	cp build/npm/node_modules/@zazuko/yasgui/package.json $(dir $@)

# The explorer page's graph drawing (Cytoscape.js) from the npm registry, served by the app itself, like YASGUI.
CYTOSCAPE_VERSION := 3.35.0
cytoscape: $(CYTOSCAPE)
$(CYTOSCAPE):
	@command -v npm >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm; }
	npm install --silent --no-save --no-audit --no-fund --ignore-scripts --prefix build/npm cytoscape@$(CYTOSCAPE_VERSION)
	mkdir -p $(dir $@)
	cp build/npm/node_modules/cytoscape/dist/cytoscape.min.js build/npm/node_modules/cytoscape/package.json \
		build/npm/node_modules/cytoscape/LICENSE $(dir $@)

# The targets and evaluation pages' charts (Chart.js) from the npm registry, served by the app itself, like Cytoscape.js.
CHARTJS_VERSION := 4.5.1
chartjs: $(CHARTJS)
$(CHARTJS):
	@command -v npm >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm; }
	npm install --silent --no-save --no-audit --no-fund --ignore-scripts --prefix build/npm chart.js@$(CHARTJS_VERSION)
	mkdir -p $(dir $@)
	cp build/npm/node_modules/chart.js/dist/chart.umd.min.js build/npm/node_modules/chart.js/package.json \
		build/npm/node_modules/chart.js/LICENSE.md $(dir $@)

# A standard client for the tests: the Comunica command line (npm @comunica/query-sparql 4.x; 5.x needs a newer Node).
comunica: $(COMUNICA)
$(COMUNICA):
	@command -v npm >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm; }
	npm install --silent --no-save --no-audit --no-fund --ignore-scripts --prefix build/comunica @comunica/query-sparql@4

# The benchmark (never a timed unit test): qhfin vs a standalone Oxigraph server vs a naive Flask + rdflib endpoint,
# loopback only, bounded in time; writes bench/results-<date>.md.
bench: $(BIN)/qhfin build/qhfin.trig bytecode
	$(BIN)/python bench/run.py

# Scale (issue 6): synthetic corpora of about 0.5 M and 5 M quads (bench/synth.py), each on the embedded engine and
# on a standalone Oxigraph server; writes bench/scale-<size>-<date>.md. SCALE_SIZES="500000" for the small one only.
SCALE_SIZES ?= 500000 5000000
SCALE_FLAGS ?=
scale: $(BIN)/qhfin build/qhfin.trig bytecode
	$(BIN)/python bench/scale.py --sizes $(SCALE_SIZES) $(SCALE_FLAGS)

# The stateless facade over a large external store (issue 14): qhfin serve in front of an Oxigraph server holding
# FACADE_SIZE synthetic quads; peak memory of qhfin's process tree and each page's first answer from the start.
FACADE_SIZE ?= 5000000
facade: $(BIN)/qhfin build/qhfin.trig bytecode
	$(BIN)/python bench/facade.py --size $(FACADE_SIZE)

# The same facade in front of a private Virtuoso (Debian's virtuoso-opensource, `make virtuoso`) holding the same corpus.
facade-virtuoso: virtuoso $(BIN)/qhfin build/qhfin.trig bytecode
	$(BIN)/python bench/facade.py --size $(FACADE_SIZE) --store virtuoso

# Virtuoso as a second external store (issue 14): Debian's virtuoso-opensource (7.2.5), never needed by `make test`.
# Its package asks for a DBA password through debconf; an empty one is preseeded, which leaves the system-wide daemon
# disabled (the bench starts a private instance under build/ with its own virtuoso.ini). Needs root: CI has it.
virtuoso:
	@command -v virtuoso-t >/dev/null && command -v isql-vt >/dev/null || { \
		printf '%s\n' 'virtuoso-opensource-7 virtuoso-opensource-7/dba-password password' \
			'virtuoso-opensource-7 virtuoso-opensource-7/dba-password-again password' | debconf-set-selections && \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
			virtuoso-opensource; }

# The scale bench's external set-ups on Virtuoso beside the Oxigraph server (issue 14): the small corpus by default.
VIRTUOSO_SIZES ?= 500000
scale-virtuoso: virtuoso $(BIN)/qhfin build/qhfin.trig bytecode
	$(BIN)/python bench/scale.py --sizes $(VIRTUOSO_SIZES) --engines external --stores oxigraph virtuoso $(SCALE_FLAGS)

# Soak (issue 6): a bounded mixed load on `qhfin serve` (loopback, concurrency 16); writes bench/soak-<date>.md.
SOAK_MINUTES ?= 10
soak: $(BIN)/qhfin build/qhfin.trig bytecode
	$(BIN)/python bench/soak.py --minutes $(SOAK_MINUTES)

# Hostile load (issue 16): 16 heavy unique-text queries + 16 renders, then 260 slow connections, against
# `qhfin serve` on loopback; the light requests' medians, memory before/after; writes bench/hostile-<date>.md.
HOSTILE_SECONDS ?= 20
hostile: $(BIN)/qhfin build/qhfin.trig bytecode
	$(BIN)/python bench/hostile.py --seconds $(HOSTILE_SECONDS)

clean:
	rm -rf build $(VENV) api/static/vendor
