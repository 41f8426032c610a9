# Thin wrapper over CMake for the two README commands (and a few more).
#   make run    install what is missing, build, start the kiosk in a window
#   make test   install what is missing, build, run every test (ctest)
#   make bench  build and print the performance figures (docs/benchmarks.md)
#   make asan   every test again, built with AddressSanitizer + UBSan
#   make fuzz   build the libFuzzer harnesses (clang) and run each FUZZ_SECONDS
BUILD ?= build
JOBS  ?= $(shell nproc)
FUZZ_SECONDS ?= 30

.PHONY: all deps build run test bench asan fuzz clean

all: build

deps:
	@tools/install-deps

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo

build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j$(JOBS)

run: build
	tools/run-kiosk $(BUILD)

test: build
	cd $(BUILD) && ctest --output-on-failure -j$(JOBS)

bench: build
	tests/bench.sh $(BUILD)

asan: deps
	cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DKIOSK_SANITIZE=ON
	cmake --build build-asan -j$(JOBS)
	cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
		LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp \
		ctest --output-on-failure -j$(JOBS)

fuzz: deps
	CC=clang cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=Debug -DKIOSK_FUZZ=ON
	cmake --build build-fuzz -j$(JOBS) --target fuzzers
	tests/fuzz.sh build-fuzz $(FUZZ_SECONDS)

clean:
	rm -rf $(BUILD) build-asan build-fuzz
