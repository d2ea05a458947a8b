# Switchboard — the two commands that matter:
#   make run    build everything and serve on the embedded default (SQLite in ./data)
#   make test   install/start what tests need, then run every test
SHELL := /bin/bash
GO ?= go
BIN := bin/switchboard
ADDR ?= 127.0.0.1:8080
DATA ?= ./data
# Release builds stamp the version (`switchboard version`); the Dockerfile
# builds with the same flags.
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X main.version=$(VERSION)

.PHONY: run build web test test-go test-fuzz test-e2e deps bench-ingest bench-ingest-pg bench-outbound bench-outbound-pg bench-webhook bench-assign bench-assign-pg bench-ws bench-ws-nodes bench-search bench-search-pg bench-read bench-read-pg bench-migrate bench-blobs bench-calls clean bench-search-http bench-search-http-pg bench-ingest-new bench-report bench-report-pg bench-growth bench-growth-pg

run: build
	$(BIN) serve --addr $(ADDR) --data $(DATA)

build: web
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/switchboard

# The web workspace, built into web/dist and embedded in the binary.
web:
	@if [ -f web/package.json ]; then \
	  cd web && { [ -d node_modules ] && [ node_modules -nt package-lock.json ] || npm ci --no-audit --no-fund; } && npm run build; \
	fi

deps:
	scripts/ensure-services.sh

test: deps build test-go test-fuzz test-e2e

test-go:
	$(GO) vet ./...
	$(GO) test -count=1 -timeout 15m ./...

# Each fuzz target briefly, beyond its committed corpus (testdata/fuzz),
# which `go test` already runs as ordinary tests.
FUZZTIME ?= 3s
FUZZ_TARGETS := ./internal/phone:FuzzKey ./internal/store/sqlite:FuzzSameNumberSameCustomer ./internal/desk:FuzzNormalizeAddress ./internal/desk:FuzzTemplateRender ./internal/http:FuzzInboundDecode ./internal/channel/whatsapp:FuzzWebhook ./internal/channel/twilio:FuzzWebhook ./internal/channel/viber:FuzzWebhook ./internal/channel/messenger:FuzzWebhook ./internal/channel/email:FuzzParse
test-fuzz:
	@GO="$(GO)" FUZZTIME=$(FUZZTIME) scripts/fuzz.sh $(FUZZ_TARGETS)

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

# Every message from a new customer: a customer and a conversation each.
bench-ingest-new: build
	$(BIN) bench ingest --conns 32 --new-customers --duration 10s

# Uploaded-file stores: the data folder and the S3-compatible store that
# scripts/ensure-services.sh starts (versitygw), put and read MB/s.
bench-blobs: deps
	$(GO) test -run '^$$' -bench . -benchtime 20x ./internal/blob/

# Search at scale (issue 7): seeds 1M messages, 200k conversations and 100k
# customers through SQL, times the index build, then measures query latency.
# Seeding takes minutes. The PostgreSQL run uses its own schema of the database.
bench-search: build
	$(BIN) bench search --queries 2000

# Conversation reports at scale (issue 23): seeds report facts for 1M
# conversations over 90 days through SQL, adds them to the rollups, then
# times each report shape (p50/p95/p99, load average printed). Seeding and
# rolling up take minutes; --reuse with --data/--db measures again.
bench-report: build
	$(BIN) bench report --duration 24s

bench-report-pg: build
	$(BIN) bench report --duration 24s \
	  --db "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

# 200 concurrent bridged G.711 calls (issue 10): WebRTC customers (call
# links), then plain RTP customers (calls from the SIP trunk); load average
# printed alongside, the machine being shared.
bench-calls: build
	@uptime
	$(BIN) bench calls --calls 200 --duration 10s
	@uptime
	$(BIN) bench calls --calls 200 --duration 10s --sip
	@uptime

# SQLite → PostgreSQL (issue 24): seeds the 1M-message search data set
# into a data folder, then times migrate-store (copy, verify, reindex) into
# its own database; load average printed alongside.
BENCH_MIGRATE_DIR ?= /tmp/switchboard-bench-migrate
bench-migrate: build
	rm -rf $(BENCH_MIGRATE_DIR) && mkdir -p $(BENCH_MIGRATE_DIR)
	$(BIN) bench search --data $(BENCH_MIGRATE_DIR) --queries 1
	psql -h 127.0.0.1 -U postgres -d postgres -qc 'DROP DATABASE IF EXISTS switchboard_bench_migrate' -c 'CREATE DATABASE switchboard_bench_migrate'
	@uptime
	$(BIN) migrate-store --from $(BENCH_MIGRATE_DIR) --to "postgres://postgres@127.0.0.1:5432/switchboard_bench_migrate?sslmode=disable"
	@uptime

# Read paths (issue 22): seeds 20,000 conversations (10 messages each,
# customers with four conversations of history) through SQL, starts a
# server and measures every list view and sort, a conversation with its
# messages, a customer with history and search at 8 and 32 connections,
# each beside /healthz of the same server. --conversations 1000000 for the
# growth table (docs/benchmarks.md).
bench-read: build
	@uptime
	$(BIN) bench read --conversations 20000 --conns 8,32 --duration 4s
	@uptime

bench-read-pg: build
	@uptime
	$(BIN) bench read --conversations 20000 --conns 8,32 --duration 4s \
	  --db "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
	@uptime

# How cost grows (issue 22): every workload at 10⁴, 10⁵, 10⁶ messages
# (half as many conversations). Each size is seeded once (bench read's data
# set, with its search index; the time it took is kept beside it) and
# reused by later runs (sizes below 200,000 messages are seeded anew each
# run, in seconds); GROWTH_FLAGS="--reseed" seeds every size anew,
# GROWTH_FLAGS="--server-bin /path/to/switchboard" measures another build,
# GROWTH_SIZES adds 10000000 for search. One Markdown row per workload and
# size: req/s, p50/p99, server CPU per operation, ratio to /healthz, RSS.
GROWTH_SIZES ?= 10000,100000,1000000
GROWTH_FLAGS ?=
bench-growth: build
	@uptime
	$(BIN) bench growth --sizes $(GROWTH_SIZES) $(GROWTH_FLAGS)
	@uptime

bench-growth-pg: build
	@uptime
	$(BIN) bench growth --sizes $(GROWTH_SIZES) $(GROWTH_FLAGS) \
	  --db "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
	@uptime

bench-search-pg: build
	$(BIN) bench search --queries 2000 \
	  --db "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

# Search over HTTP (issue 22): the same data set (seeded once into
# BENCH_SEARCH_DIR, reused by later runs; make ... SEARCH_RESEED=1 seeds
# anew), then a server child process loaded with GET /api/v1/search per
# kind (rare, common, prefix, phone, name), computed anew and repeated,
# at 8 and 32 concurrent, beside GET /healthz of the same server.
BENCH_SEARCH_DIR ?= /tmp/switchboard-bench-search
bench-search-http: build
	mkdir -p $(BENCH_SEARCH_DIR)
	@if [ -z "$(SEARCH_RESEED)" ] && [ -f $(BENCH_SEARCH_DIR)/switchboard.db ]; then reuse=--reuse; fi; \
	  $(BIN) bench search --data $(BENCH_SEARCH_DIR) $$reuse --queries 0 --http --conns 8,32 --duration 2s

bench-search-http-pg: build
	@if [ -z "$(SEARCH_RESEED)" ] && psql -h 127.0.0.1 -U postgres -d test -Atc "SELECT 1 FROM pg_namespace WHERE nspname = 'sb_bench_search'" | grep -q 1; then reuse=--reuse; fi; \
	  $(BIN) bench search $$reuse --queries 0 --http --conns 8,32 --duration 2s \
	  --db "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

# Replies through the outbox to a local fake WhatsApp provider; signed
# WhatsApp webhooks against the API channel on one server.
bench-outbound: build
	$(BIN) bench outbound --conns 32 --conversations 200 --duration 10s

bench-outbound-pg: build
	$(BIN) bench outbound --conns 32 --conversations 200 --duration 10s \
	  --db "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

bench-webhook: build
	$(BIN) bench webhook --conns 32 --customers 1000 --duration 10s

clean:
	rm -rf bin web/dist/assets web/dist/index.html

bench-assign: build
	$(BIN) bench assign --agents 500 --conversations 50000 --rate 500 --duration 5s

bench-assign-pg: build
	$(BIN) bench assign --agents 500 --conversations 50000 --rate 500 --duration 5s \
	  --db "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

bench-ws: build
	$(BIN) bench ws --conns 10000 --queues 1000 --rate 2000 --duration 10s

bench-ws-nodes: build
	$(BIN) bench ws --nodes 3 --conns 10000 --queues 1000 --rate 2000 --duration 10s \
	  --db "postgres://postgres@127.0.0.1:5432/test?sslmode=disable" --nats nats://127.0.0.1:4222
