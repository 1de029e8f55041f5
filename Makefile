# ImageShare — the two commands that matter: `make run` and `make test`.
GO ?= go
export CGO_ENABLED := 1

.PHONY: run build test vet generate fmt bench bench-http bench-http-pg bench-http-compare e2e clean

## run: build and start the console on 127.0.0.1:8080 with the demo world (./data)
run: build
	./bin/imageshare serve

## build: compile bin/imageshare
build:
	$(GO) build -o bin/imageshare ./cmd/imageshare

## test: vet and every test (browser tests run when chromium is installed,
## the openstack client's and tempest's when they are; E2E_REQUIRED=1,
## OPENSTACK_REQUIRED=1 and TEMPEST_REQUIRED=1 make a missing one a failure),
## then the store, the kept sessions, the sharing rules and the API again on a
## throwaway PostgreSQL cluster
## when its server is installed (PG_REQUIRED=1 makes a missing server a failure)
test: vet
	$(GO) test -race -count=1 -timeout 20m ./...
	@if [ -x /usr/lib/postgresql/15/bin/initdb ]; then \
		echo "store plans and paging, kept sessions, sharing rules and API on PostgreSQL:"; \
		IMAGESHARE_TEST_BACKEND=postgres $(GO) test -count=1 -timeout 10m -skip 'OpenstackCLI|Tempest' ./internal/store/ ./internal/identity/ ./internal/sharing/ ./web/api/; \
	elif [ "$$PG_REQUIRED" = 1 ]; then echo "PostgreSQL server missing (PG_REQUIRED=1)"; exit 1; \
	else echo "PostgreSQL server not installed: skipping the PostgreSQL pass"; fi

vet:
	$(GO) vet ./...

## generate: regenerate templ components (the generated files are committed)
generate:
	$(GO) tool templ generate

fmt:
	gofmt -w $$(git ls-files '*.go' | grep -v '_templ.go$$')

## bench: in-process benchmarks of the store, the service and the console pages
bench:
	$(GO) test -run '^$$' -bench . -benchmem -benchtime 200x ./internal/... ./views/ ./web/

## bench-http: the real server over HTTP on 127.0.0.1 with 1,000 and 100,000
## shares, next to a bare Echo handler (the ceiling), driven by wrk; prints
## req/s, p50, p99, errors and the ratio to the ceiling of every case.
## BENCH_FLAGS passes flags (e.g. BENCH_FLAGS="-n 10000 -d 3s").
bench-http:
	$(GO) run ./cmd/benchhttp $(BENCH_FLAGS)

## bench-http-pg: the same on a throwaway PostgreSQL cluster (or give
## BENCH_FLAGS="-dsn postgres://…" for a server of your own).
bench-http-pg:
	$(GO) run ./cmd/benchhttp -pg $(BENCH_FLAGS)

## bench-http-compare: every case on SQLite and on PostgreSQL at 100,000
## shares, alternately case by case, with SQLite ÷ PostgreSQL for each.
bench-http-compare:
	$(GO) run ./cmd/benchhttp -compare $(BENCH_FLAGS)

clean:
	rm -rf bin artifacts
