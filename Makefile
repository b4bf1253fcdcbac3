# Transcriptor: the two commands a newcomer needs are `make run` and `make test` (README.md).
SHELL := /bin/bash
SWIFT_FLAGS := -Xswiftc -warnings-as-errors
RELEASE_FLAGS := -c release --static-swift-stdlib
PHASE := scripts/phase.sh

.PHONY: all bootstrap build build-release package images run run-images test test-images test-long push bench fuzz format lint clean

all: build

bootstrap:
	@$(PHASE) bootstrap scripts/bootstrap.sh

build: bootstrap
	@$(PHASE) "debug build (warnings are errors)" swift build --build-tests $(SWIFT_FLAGS)
	@$(PHASE) "web UI build (esbuild)" scripts/web.sh build

build-release: bootstrap
	@$(PHASE) "release build" swift build $(RELEASE_FLAGS)

# For AWS without Docker: every function's release binary, stripped, in dist/package/bin, and
# dist/package/MANIFEST.md (what each image holds), checked against template.yaml. `sam build`
# makes the images where Docker runs (docs/operations.md).
package: bootstrap
	@$(PHASE) "package (release binaries, image listing)" scripts/package.sh

# The three Lambda images of the Dockerfile, built with podman from `make package`'s binaries:
# localhost/transcriptor-{api,media,transcribe} (scripts/images.sh; installs podman when missing).
images: package
	@$(PHASE) "images (podman)" scripts/images.sh

# The emulator with the web UI at http://127.0.0.1:3000 and the AWS endpoint at 127.0.0.1:4566.
# State lives in .local/ (DATA_DIR=path make run for another folder).
run: bootstrap
	@$(PHASE) "build (functions and emulator)" swift build $(SWIFT_FLAGS)
	@$(PHASE) "web UI build (esbuild)" scripts/web.sh build
	@"$$(swift build --show-bin-path)/transcriptor-local" serve --template template.yaml

# `make run` with every function inside its image, as Lambda runs it.
run-images: build images
	@"$$(swift build --show-bin-path)/transcriptor-local" serve --template template.yaml --images

# Everything CI runs: one debug build, then every suite on that build.
test: build
	@$(PHASE) "format check" scripts/check-format.sh
	@$(PHASE) "template lint (cfn-lint)" .venv/bin/cfn-lint template.yaml
	@$(PHASE) "template lint (sam validate --lint; installs the SAM CLI into .venv-sam once)" scripts/sam.sh validate --lint --template template.yaml --region us-east-1
	@$(PHASE) "template matches the code" .venv/bin/python scripts/check-template.py
	@$(PHASE) "docs name only paths that exist" .venv/bin/python scripts/check-doc-paths.py docs/architecture.md README.md
	@$(PHASE) "web app in the stack: one origin, headers, deploy-web.py against moto" .venv/bin/python -m pytest -q -p no:cacheprovider tests/web_stack
	@$(PHASE) "swift tests" scripts/swift-tests.sh
	@$(PHASE) "runtime under AWS's Runtime Interface Emulator, held against ours" .venv/bin/python -m pytest -q -p no:cacheprovider tests/rie
	@$(PHASE) "API contract (openapi.yaml, schemathesis)" scripts/with-emulator.sh scripts/api-contract.sh '$$GATEWAY_URL' 20
	@$(PHASE) "metrics endpoint counts a run's jobs" scripts/with-emulator.sh .venv/bin/python scripts/check-metrics.py '$$GATEWAY_URL'
	@$(PHASE) "web type-check (tsc)" scripts/web.sh check
	@$(PHASE) "web unit tests (node --test, jsdom)" scripts/web.sh unit
	@$(PHASE) "web browser tests (Selenium, Chromium; screenshots in test-artifacts/)" scripts/web.sh browser

# The product with every function inside its image (CI runs it after `make test`): the pipeline
# end to end for uploads and links, API routes, the sweep; then each image's function under AWS's
# Runtime Interface Emulator.
test-images: build images
	@$(PHASE) "the product inside its images" env TRANSCRIPTOR_IMAGES=1 scripts/swift-tests.sh --only "$(IMAGE_SUITES)"
	@$(PHASE) "each image's functions under AWS's Runtime Interface Emulator" env TRANSCRIPTOR_IMAGES=1 .venv/bin/python -m pytest -q -p no:cacheprovider tests/rie/test_images_under_rie.py

IMAGE_SUITES := APITests.PipelineTests|APITests.AuthTests|APITests.JobTests|APITests.SpeakerTests

# Suites too long for CI's budget.
test-long: test
	@$(PHASE) "pipeline, 10-minute recording" env TRANSCRIPTOR_LONG_TESTS=1 swift test --skip-build --filter PipelineLongTests
	@$(PHASE) "LibreOffice (Writer, from Debian) for the Word export" scripts/bootstrap.sh --libreoffice
	@$(PHASE) "the Word export opens in LibreOffice" env TRANSCRIPTOR_LONG_TESTS=1 swift test --skip-build --filter WordExportLibreOfficeTests
	@$(PHASE) "speakers: a one-hour conversation through the diarize engine (time, memory)" .venv/bin/python bench/diarization/long.py "$$(swift build --show-bin-path)"
	@$(PHASE) "load: 200 jobs from 20 users" .venv/bin/python bench/pipeline_bench.py "$$(swift build --show-bin-path)" --load 200,20 --load-only
	@$(PHASE) "API contract, long (openapi.yaml, schemathesis)" scripts/with-emulator.sh scripts/api-contract.sh '$$GATEWAY_URL' 200
	@mkdir -p bench-out
	@$(PHASE) "push: rising load until a stage saturates" $(PUSH)

# A local push (bench/push.py, docs/capacity.md): jobs from many users at a rising rate, short
# timers, until a stage saturates; says which and why (tables in bench-out/push.md). About 10
# minutes. PUSH_BIN picks the build (default: the debug build `make build` made); PUSH_ARGS passes
# options (--rates, --step-seconds, --users, --workers, --time-scale).
PUSH = .venv/bin/python bench/push.py "$${PUSH_BIN:-$$(swift build --show-bin-path)}" --markdown bench-out/push.md $(PUSH_ARGS)

push: bootstrap
	@mkdir -p bench-out
	@$(PHASE) "push: rising load until a stage saturates" $(PUSH)

# libFuzzer over the decoders, the SigV4 canonicaliser, the expression parser, the subtitle
# writers and the URL guard (FUZZ_SECONDS per target); crashes land in Fuzz/Crashes/.
fuzz: bootstrap
	@$(PHASE) "fuzzing" scripts/fuzz.sh

bench: bootstrap
	@$(PHASE) "benchmarks" bench/run.sh

format:
	swift format --in-place --recursive --parallel Package.swift Sources Tests Benchmarks local

clean:
	rm -rf .build .build-* web/dist web/test-out
