// Package bench holds Switchboard's load generators: they drive a running
// server over its public API, as a real integration would, and report
// throughput and latency percentiles.
package bench
