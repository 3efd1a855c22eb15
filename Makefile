# dltaf — the two commands a fresh machine needs are `make run` and `make test`.
SHELL := /bin/bash
SWIFT ?= swift
PYTHON ?= python3
CONFIG ?= debug
BIN_DIR = $(shell $(SWIFT) build -c $(CONFIG) --show-bin-path)
PREFIX ?= /usr/local
SWIFT_FORMAT_PATHS = Sources Tests Package.swift samples/swift Benchmarks

.PHONY: help setup reference build run test test-swift test-sdk lint format bench install fuzz clean

help:
	@echo "make run      build, then run samples/manifests/hello.yaml end to end"
	@echo "make test     build and run every test: Swift, the Python SDK, the sample plugins, format lint"
	@echo "make bench    run the benchmarks; results in bench/results/, summary in docs/performance.md"
	@echo "make install  install dltaf into $(PREFIX)/bin"

## setup: check (or, as root, install) what the build and tests need.
setup:
	@./scripts/setup.sh

build: setup
	$(SWIFT) build -c $(CONFIG)

## run: the sample pipeline — a Swift runner (installed-binary delivery), a Python hook (descriptor folder)
## and a bash check (executable file), all found through DLTAF_PLUGIN_PATH and PATH.
run: build
	cd samples/manifests && PATH="$(BIN_DIR):$$PATH" DLTAF_PLUGIN_PATH=../plugins \
		"$(BIN_DIR)/dltaf" exec hello.yaml

test: setup reference test-swift test-sdk lint

## reference: the Python dltaf 0.2.16 and jsonschema in .venv-ref, whose verdicts the lint tests compare with.
reference:
	@./scripts/reference-venv.sh

# The fault-injection suite measures time bounds, the scaffold suite builds and runs twelve generated plugins,
# and the data-plane suites start PostgreSQL servers and load rows through real runners, so each runs in its own
# invocation rather than competing for the two cores with the liveness bounds of every other suite. The flood
# scenarios' budgets are the time dltaf needs to parse millions of messages on its share of the cores, so they
# run alone too.
DATA_SUITES = DltafLoadTests|DataPlaneTests|DataPlaneFailureTests|DltafSQLDBTests|SQLDBRunTests
test-swift:
	$(SWIFT) build --build-tests
	$(SWIFT) test --disable-xctest --skip DltafFaultTests --skip DltafScaffoldTests --skip '$(DATA_SUITES)'
	$(SWIFT) test --disable-xctest --filter '$(DATA_SUITES)'
	$(SWIFT) test --disable-xctest --filter DltafScaffoldTests
	$(SWIFT) test --disable-xctest --filter DltafFaultTests --skip FloodTests
	$(SWIFT) test --disable-xctest --filter FloodTests

test-sdk:
	cd plugin-sdk/python && $(PYTHON) -m pytest -q -p no:cacheprovider
	cd plugin-sdk/node && node --test

lint:
	$(SWIFT) format lint --strict -r $(SWIFT_FORMAT_PATHS)

format:
	$(SWIFT) format format -i -r $(SWIFT_FORMAT_PATHS)

bench: setup
	./scripts/bench.sh

## install: a release build with the Swift runtime linked statically (faster start-up, no Swift runtime needed).
STATIC_BUILD = $(SWIFT) build -c release --static-swift-stdlib --scratch-path .build-static
install: setup
	$(STATIC_BUILD) --product dltaf
	install -d "$(PREFIX)/bin"
	install -m 0755 "$$($(STATIC_BUILD) --show-bin-path)/dltaf" "$(PREFIX)/bin/dltaf"

## fuzz: libFuzzer + AddressSanitizer runs of the line decoder and the YAML loader, FUZZ_SECONDS each (not part of
## `make test`); see docs/reliability.md. Seeds: Fuzz/corpus/; work corpus and crashes: .build/fuzz/.
FUZZ_SECONDS ?= 120
fuzz:
	./Fuzz/run.sh line-decoder $(FUZZ_SECONDS)
	./Fuzz/run.sh yaml-loader $(FUZZ_SECONDS)

clean:
	rm -rf .build
