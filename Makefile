# Dossier — make demo: set up, build and run the pipeline on Examples/; make test: every test.
SWIFT        ?= swift
CONFIG       ?= debug
BIN          := .build/$(CONFIG)/dossier
OUT          ?= out
SUDO         := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)
# libcmark-dev: the Markdown engine; chromium and a Korean font: PDF reports;
# cmark (reference renderer for the differential test) and poppler-utils (pdftotext): tests.
APT_PACKAGES      := pkg-config libcmark-dev zlib1g-dev libdeflate-dev libjemalloc-dev chromium fonts-noto-cjk
TEST_APT_PACKAGES := $(APT_PACKAGES) cmark poppler-utils openssh-client
# compliance-trestle loads the evidence pack's OSCAL files in the tests.
PIP_TEST_PACKAGES := compliance-trestle
EXAMPLES     := $(sort $(wildcard Examples/*/engagement.yaml))

.PHONY: all deps test-deps install-packages build release demo test test-swift test-js bench bench-check clean help

all: build

help:
	@echo "make demo   install what is missing, build, run the pipeline on Examples/ (outputs in $(OUT)/<example>/)"
	@echo "make test   install test tools and run every test"
	@echo "make build  build the dossier command ($(BIN))"
	@echo "make release  build the self-contained release binary (.build/release/dossier)"

# Installs the Debian packages that are not there yet (apt-get update first, as a fresh machine needs).
deps:
	@$(MAKE) --no-print-directory install-packages PACKAGES="$(APT_PACKAGES)"

test-deps:
	@$(MAKE) --no-print-directory install-packages PACKAGES="$(TEST_APT_PACKAGES)"
	@python3 -c "import trestle" 2>/dev/null || { echo "==> Installing Python test tools: $(PIP_TEST_PACKAGES)"; \
		python3 -m pip install -q $(PIP_TEST_PACKAGES) 2>/dev/null || python3 -m pip install -q --break-system-packages $(PIP_TEST_PACKAGES); }

install-packages:
	@missing=""; for p in $(PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "==> Installing Debian packages:$$missing"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing >/dev/null; \
	fi

build: deps
	@echo "==> Building dossier ($(CONFIG))"
	$(SWIFT) build -c $(CONFIG) --product dossier

demo: build
	@set -e; for e in $(EXAMPLES); do \
		dir=$$(dirname $$e); name=$$(basename $$dir); \
		echo; echo "==> dossier check $$dir"; \
		$(BIN) check $$dir; \
		echo "==> dossier build $$dir -o $(OUT)/$$name --pdf"; \
		$(BIN) build $$dir -o $(OUT)/$$name --pdf; \
	done
	@echo; echo "==> dossier kb Examples/acecommerce-2026-q3 Examples/acecommerce-2026-q4 -o $(OUT)/acecommerce-kb"
	@$(BIN) kb Examples/acecommerce-2026-q3 Examples/acecommerce-2026-q4 -o $(OUT)/acecommerce-kb
	@echo
	@echo "Done. Outputs of the $(words $(EXAMPLES)) example engagements:"
	@for e in $(EXAMPLES); do name=$$(basename $$(dirname $$e)); \
		echo "  $(abspath $(OUT))/$$name/report/health-check.html   reports (.md, .html, .pdf; incidents/, period)"; \
		echo "  $(abspath $(OUT))/$$name/kb/index.html               knowledge base (open from file://; search.html)"; \
		echo "  $(abspath $(OUT))/$$name/evidence-*.zip               evidence pack (check it: $(BIN) verify <zip>)"; \
	done
	@echo "  $(abspath $(OUT))/acecommerce-kb/index.html   one knowledge base over both quarters of the Korean client"

test: test-deps test-swift test-js

# The search client under node: shared vectors, the fixture index, and the example knowledge base.
test-js: build
	@echo "==> JavaScript tests (node --test)"
	@rm -rf .build/test-kb && $(BIN) build Examples/acecommerce-2026-q4 -o .build/test-kb > /dev/null
	DOSSIER_KB=.build/test-kb/kb node --test Tests/js/

test-swift:
	@echo "==> Swift tests"
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

clean:
	rm -rf .build $(OUT)

# The release binary, with the Swift runtime and Foundation linked in: it runs on a machine without
# a Swift toolchain, starts in 6 ms instead of 10, and calls the runtime directly (builds of the
# benchmark's corpus measured 1–3 % faster). `make release` builds it alone.
RELEASE_BUILD := $(SWIFT) build -c release --product dossier --static-swift-stdlib
release: deps
	$(RELEASE_BUILD)

# The benchmark of Benchmarks/README.md: release build, 10,000 findings + 1,000 incidents.
bench: deps
	$(RELEASE_BUILD)
	python3 Benchmarks/run.py --findings $(or $(FINDINGS),10000) --incidents $(or $(INCIDENTS),1000) --json .build/bench.json

# Times `dossier check` on a generated 1,001-file workspace (release build).
bench-check: deps
	@command -v /usr/bin/time >/dev/null || $(MAKE) --no-print-directory install-packages PACKAGES=time
	$(RELEASE_BUILD)
	@rm -rf .build/bench-corpus
	python3 Benchmarks/generate-corpus.py --findings 800 --incidents 100 --articles 100 --out .build/bench-corpus
	@for i in 1 2 3; do /usr/bin/time -f "check: %e s wall, %M KiB peak" .build/release/dossier check .build/bench-corpus; done
