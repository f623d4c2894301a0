# Herald: the two commands a new machine needs are `make run` and `make test`.
# Both install what is missing first (Debian packages and the Python test client).

SHELL := /bin/bash
HOST ?= 0.0.0.0
PORT ?= 7512
ARGS ?=
APT_PACKAGES := libwebsockets-dev libwebsockets-evlib-ev libev-dev pkg-config openssl libsqlite3-dev libhiredis-dev libjemalloc-dev redis-server
PYTHON ?= python3
RELEASE_BIN := .build/release

.PHONY: setup setup-system setup-python build run test check unit-test e2e-test packaging-test bench clean
.PHONY: dist install uninstall

## Install the Debian packages and Python modules Herald and its tests need (only what is missing).
setup: setup-system setup-python

setup-system:
	@if ! dpkg -s $(APT_PACKAGES) >/dev/null 2>&1; then \
		echo "Installing $(APT_PACKAGES)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(APT_PACKAGES); \
	fi

setup-python:
	@if ! $(PYTHON) -c 'import websockets, pytest, jsonschema, yaml' >/dev/null 2>&1; then \
		echo "Installing the Python test client"; \
		$(PYTHON) -m pip install -q -r Tests/e2e/requirements.txt; \
	fi

## Release build of the server and the load generator.
build: setup-system
	scripts/release-build.sh --product herald
	scripts/release-build.sh --product herald-bench

## Run Herald on $(HOST):$(PORT) (extra flags: make run ARGS="--log-level debug").
run: build
	$(RELEASE_BIN)/herald --host $(HOST) --port $(PORT) $(ARGS)

## The whole test suite: Swift unit tests, end-to-end tests against the real binary, packaging
## tests, browser tests, then the bounded hardening checks (short fuzzing, the e2e suite under
## ASan, a 2-minute soak).
test: setup unit-test e2e-test packaging-test browser-test test-hardening

## The edit-test loop: build, Swift unit tests, then the e2e suite against the release binary
## (no packaging, browser, fuzzing, sanitizers or soak: `make test` runs those too).
check: unit-test e2e-test

unit-test: setup-system
	swift test

e2e-test: build setup-python
	HERALD_BIN=$(CURDIR)/$(RELEASE_BIN)/herald $(PYTHON) -m pytest -q Tests/e2e

## The packaging checks (Tests/packaging): generated page source in sync, Dockerfile lint, the
## image's runtime stage laid out in a folder, the binary and the dist tarball run from anywhere,
## make install.
packaging-test: build dist setup-python
	HERALD_BIN=$(CURDIR)/$(RELEASE_BIN)/herald HERALD_DIST_DIR=$(CURDIR)/$(DIST_DIR) \
		$(PYTHON) -m pytest -q Tests/packaging

# -- Packaging: make install, make dist --------------------------------------------------------------
PREFIX ?= /usr/local
DESTDIR ?=
DIST_DIR := .build/dist
STATIC_BIN := $(RELEASE_BIN)/herald

## Release tarball .build/dist/herald-VERSION-linux-ARCH.tar.gz: the release binary (Swift runtime
## linked statically, as every release build is), README, example configuration, systemd unit.
dist: setup-system
	DIST_DIR=$(DIST_DIR) scripts/dist.sh

## Install the dist binary (Swift runtime linked statically) into $(DESTDIR)$(PREFIX): bin/herald,
## the systemd unit (lib/systemd/system) and, in share/doc/herald, the README and an example configuration.
install: dist
	install -D -m 0755 $(STATIC_BIN) $(DESTDIR)$(PREFIX)/bin/herald
	install -d $(DESTDIR)$(PREFIX)/lib/systemd/system $(DESTDIR)$(PREFIX)/share/doc/herald
	sed 's|/usr/local/bin/herald|$(PREFIX)/bin/herald|' dist/herald.service \
		> $(DESTDIR)$(PREFIX)/lib/systemd/system/herald.service
	install -m 0644 README.md dist/herald.example.json $(DESTDIR)$(PREFIX)/share/doc/herald/

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/herald $(DESTDIR)$(PREFIX)/lib/systemd/system/herald.service
	rm -rf $(DESTDIR)$(PREFIX)/share/doc/herald

## Headless Chromium, its driver and selenium for the browser tests (only what is missing).
BROWSER_APT_PACKAGES := chromium chromium-driver
.PHONY: setup-browser browser-test

setup-browser:
	@if ! dpkg -s $(BROWSER_APT_PACKAGES) >/dev/null 2>&1; then \
		echo "Installing $(BROWSER_APT_PACKAGES)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(BROWSER_APT_PACKAGES); \
	fi
	@if ! $(PYTHON) -c 'import selenium, websockets, pytest' >/dev/null 2>&1; then \
		echo "Installing selenium"; \
		$(PYTHON) -m pip install -q -r Tests/browser/requirements.txt; \
	fi

## The test page in a real headless Chromium, plus the HTTP routes (HERALD_SCREENSHOT=1 refreshes docs/screenshot.png).
browser-test: build setup-browser
	HERALD_BIN=$(CURDIR)/$(RELEASE_BIN)/herald $(PYTHON) -m pytest -q Tests/browser

## Standard benchmark suite, Herald vs nats-server (a few minutes): writes bench/results/<date>.json,
## <date>-latency.svg and latest.md; then the latency at 100/s x 10 and 300/s x 1000 subscribers as the
## medians of five interleaved Herald/nats-server pairs (bench/results/latency-pairs-*.txt).
bench: build
	scripts/bench-suite.sh
	PAIRS=5 RATE=100 SUBSCRIBERS=10 DURATION=5 scripts/latency-pairs.sh | tee bench/results/latency-pairs-100x10.txt
	PAIRS=5 RATE=300 SUBSCRIBERS=1000 DURATION=5 scripts/latency-pairs.sh | tee bench/results/latency-pairs-300x1000.txt

clean:
	rm -rf .build

# -- Hardening: fuzzing, sanitizers, soak -----------------------------------------------------------
FUZZ_SECONDS ?= 300
SOAK_SECONDS ?= 600

.PHONY: fuzz test-asan test-tsan soak test-hardening

## libFuzzer on the JSON parser, the gateway and the Koncorde compiler, FUZZ_SECONDS each.
fuzz:
	FUZZ_SECONDS=$(FUZZ_SECONDS) scripts/fuzz.sh

## The e2e suite against a debug herald built with -sanitize=address (scratch path .build-asan).
test-asan: setup
	scripts/sanitized-e2e.sh address

## The e2e suite against a debug herald built with -sanitize=thread (scratch path .build-tsan).
test-tsan: setup
	scripts/sanitized-e2e.sh thread

## Fan-out at a quarter of capacity with 1 %/s connection churn for SOAK_SECONDS; RSS and fds must come back.
soak: build setup-python
	SOAK_SECONDS=$(SOAK_SECONDS) $(PYTHON) scripts/soak.py

## What `make test` runs after the suites: bounded versions for CI (test-tsan: about 2.5 min here,
## a cold -sanitize=thread build then the e2e suite in 76 s).
test-hardening: setup
	$(MAKE) fuzz FUZZ_SECONDS=30
	$(MAKE) test-asan
	$(MAKE) test-tsan
	$(MAKE) soak SOAK_SECONDS=120
