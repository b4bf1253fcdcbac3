# Transcriptor: the two commands a newcomer needs are `make run` and `make test` (README.md).
SHELL := /bin/bash
SWIFT_FLAGS := -Xswiftc -warnings-as-errors
RELEASE_FLAGS := -c release --static-swift-stdlib
PHASE := scripts/phase.sh

.PHONY: all bootstrap build build-release run test test-long bench format lint clean

all: build

bootstrap:
	@$(PHASE) bootstrap scripts/bootstrap.sh

build: bootstrap
	@$(PHASE) "debug build (warnings are errors)" swift build --build-tests $(SWIFT_FLAGS)

build-release: bootstrap
	@$(PHASE) "release build" swift build $(RELEASE_FLAGS)

# The emulator with the web UI at http://127.0.0.1:3000 and the AWS endpoint at 127.0.0.1:4566.
# State lives in .local/ (DATA_DIR=path make run for another folder).
run: bootstrap
	@$(PHASE) "build (functions and emulator)" swift build $(SWIFT_FLAGS)
	@"$$(swift build --show-bin-path)/transcriptor-local" serve --template template.yaml

# Everything CI runs: one debug build, then every suite on that build.
test: build
	@$(PHASE) "format check" scripts/check-format.sh
	@$(PHASE) "swift tests" scripts/swift-tests.sh
	@$(PHASE) "API contract (openapi.yaml, schemathesis)" scripts/with-emulator.sh scripts/api-contract.sh '$$GATEWAY_URL' 20

# Suites too long for CI's budget.
test-long: test
	@$(PHASE) "pipeline, 10-minute recording" env TRANSCRIPTOR_LONG_TESTS=1 swift test --skip-build --filter PipelineLongTests
	@$(PHASE) "API contract, long (openapi.yaml, schemathesis)" scripts/with-emulator.sh scripts/api-contract.sh '$$GATEWAY_URL' 200

bench: bootstrap
	@$(PHASE) "benchmarks" bench/run.sh

format:
	swift format --in-place --recursive --parallel Package.swift Sources Tests Benchmarks local

clean:
	rm -rf .build .build-*
