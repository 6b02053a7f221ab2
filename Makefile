# launcher: see README.md. Every target that needs system packages installs
# them when run as root (e2e/setup-host.sh).
SHELL := /bin/bash
GO ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -buildid= -X main.version=$(VERSION)
# nethttpomithttp2: the readiness probe and the jar download need HTTP/1.1
# only; leaving HTTP/2 out saves 360 KB of binary (README, "Size").
TAGS := nethttpomithttp2
BUILD := CGO_ENABLED=0 $(GO) build -trimpath -tags '$(TAGS)' -ldflags '$(LDFLAGS)'
FUZZTIME ?= 10s
PKGS := ./...

.PHONY: build test unit root-tests fuzz lint bench bench-memory dist image e2e demo setup clean

build: bin/launcher

bin/launcher: $(shell find . -name '*.go' -not -name '*_test.go') go.mod go.sum
	$(BUILD) -o $@ ./cmd/launcher

# The README's test command: lint, unit tests with the race detector, the
# root-only tests (real cgroups, PID namespaces, other UIDs), a short fuzz
# pass of every fuzz target, and the container suite.
test: lint setup unit root-tests fuzz e2e

setup:
	@if [ "$$(id -u)" = 0 ]; then bash e2e/setup-host.sh; else echo "make setup: not root, skipping host set-up" >&2; fi

unit:
	$(GO) test -race -count=1 $(PKGS)

# Tests guarded by testutil.RequireRoot run in `unit` too when root; this
# target runs them again without -race, where timing matters (PID 1, cgroups).
root-tests: build
	$(GO) test -count=1 -run 'Root|Real' $(PKGS)

# Go 1.26's fuzz coordinator can end a -fuzztime run with a bare "context
# deadline exceeded" and no failing input (golang/go#75804, fixed in Go
# 1.27): such a run is repeated, up to three times (one CI run here hit it
# twice in a row on one target); a run that wrote a failing input, or any
# other failure, fails the target at once.
fuzz:
	@set -e; for pkg in $$($(GO) list ./...); do \
	  dir=$$($(GO) list -f '{{.Dir}}' $$pkg); \
	  for f in $$(grep -ho '^func Fuzz[A-Za-z0-9_]*' $$dir/*_test.go 2>/dev/null | sed 's/^func //'); do \
	    echo "fuzz $$pkg $$f ($(FUZZTIME))"; \
	    log=$$(mktemp); tries=0; \
	    until $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg >$$log 2>&1; do \
	      tries=$$((tries+1)); \
	      if [ $$tries -lt 4 ] && grep -q 'context deadline exceeded' $$log && ! grep -q 'Failing input written' $$log; then \
	        echo "fuzz $$f: fuzz coordinator deadline race (golang/go#75804), no failing input: running it again ($$tries)"; \
	      else \
	        echo "fuzz $$f failed:"; tail -40 $$log; rm -f $$log; exit 1; \
	      fi; \
	    done; \
	    rm -f $$log; \
	  done; \
	done

lint:
	@out=$$(gofmt -l .); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

# -p 1: the start-up benchmarks time processes; another package's benchmark
# running beside them would be measured too.
bench: build
	$(GO) test -p 1 -run '^$$' -bench . -benchmem -count=1 $(PKGS)

bench-memory: build
	bash jvm/bench/memory.sh

dist:
	@mkdir -p dist
	GOARCH=amd64 $(BUILD) -o dist/launcher-linux-amd64 ./cmd/launcher
	GOARCH=arm64 $(BUILD) -o dist/launcher-linux-arm64 ./cmd/launcher
	bash e2e/dist-smoke.sh

image: setup
	bash e2e/image.sh

e2e: setup build
	bash e2e/run.sh

demo: setup
	bash e2e/demo.sh

clean:
	rm -rf bin dist
