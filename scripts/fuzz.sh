#!/bin/sh
# Runs each fuzz target ("pkg:FuzzName" arguments) for FUZZTIME.
#
# Go 1.26's fuzz coordinator can report a bare "context deadline exceeded"
# failure when -fuzztime expires while a worker is mid-input (a race in
# internal/fuzz, golang/go#75804, fixed in Go 1.27): nothing was found and
# no failing input was written. Such a run is retried once. Anything else
# fails at once: a failing input written to testdata/fuzz, a panic, a test
# error, or the same deadline a second time.
set -u
GO=${GO:-go}
FUZZTIME=${FUZZTIME:-3s}
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for t in "$@"; do
	pkg=${t%%:*}
	fn=${t##*:}
	for try in 1 2; do
		echo "fuzz $pkg $fn ($FUZZTIME)"
		if $GO test -run '^$' -fuzz "^$fn\$" -fuzztime "$FUZZTIME" "$pkg" >"$log" 2>&1; then
			cat "$log"
			break
		fi
		cat "$log"
		if [ "$try" = 1 ] && grep -q 'context deadline exceeded' "$log" &&
			! grep -qE 'Failing input written|panic:|_test\.go:[0-9]+:' "$log"; then
			echo "fuzz $pkg $fn: the fuzz coordinator's deadline race (golang/go#75804), nothing found; once more"
			continue
		fi
		exit 1
	done
done
