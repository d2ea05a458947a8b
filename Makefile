# Switchboard — the two commands that matter:
#   make run    build everything and serve on the embedded default (SQLite in ./data)
#   make test   install/start what tests need, then run every test
SHELL := /bin/bash
GO ?= go
BIN := bin/switchboard
ADDR ?= 127.0.0.1:8080
DATA ?= ./data

.PHONY: run build web test test-go test-e2e deps bench-ingest bench-ingest-pg bench-search bench-search-pg clean

run: build
	$(BIN) serve --addr $(ADDR) --data $(DATA)

build: web
	$(GO) build -o $(BIN) ./cmd/switchboard

# The web workspace, built into web/dist and embedded in the binary.
web:
	@if [ -f web/package.json ]; then \
	  cd web && { [ -d node_modules ] && [ node_modules -nt package-lock.json ] || npm ci --no-audit --no-fund; } && npm run build; \
	fi

deps:
	scripts/ensure-services.sh

test: deps build test-go test-e2e

test-go:
	$(GO) vet ./...
	$(GO) test -count=1 -timeout 15m ./...

test-e2e: build
	@if [ -f web/package.json ] && grep -q '"test:e2e"' web/package.json; then \
	  cd web && SWITCHBOARD_BIN=$(CURDIR)/$(BIN) npm run test:e2e; \
	fi

# Benchmarks (not tests): print throughput and latency percentiles.
bench-ingest: build
	$(BIN) bench ingest --conns 32 --customers 1000 --duration 10s

bench-ingest-pg: build
	$(BIN) bench ingest --conns 32 --customers 1000 --duration 10s \
	  --db "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

# Search at scale (issue 7): seeds 1M messages, 200k conversations and 100k
# customers through SQL, times the index build, then measures query latency.
# Seeding takes minutes. The PostgreSQL run uses its own schema of the database.
bench-search: build
	$(BIN) bench search --queries 2000

bench-search-pg: build
	$(BIN) bench search --queries 2000 \
	  --db "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

clean:
	rm -rf bin web/dist/assets web/dist/index.html
