package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
	"time"

	"github.com/switchboard-cc/switchboard/internal/bench"
)

// runBenchCalls measures concurrent bridged calls (issue 10): the media hub
// and a pair of pion softphones per call in this process, over loopback.
func runBenchCalls(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg bench.CallsConfig
	fs := flag.NewFlagSet("bench calls", flag.ContinueOnError)
	fs.IntVar(&cfg.Calls, "calls", 200, "concurrent bridged calls")
	fs.IntVar(&cfg.Rate, "rate", 20, "call setups per second while ramping up")
	fs.DurationVar(&cfg.Duration, "duration", 20*time.Second, "measured period once all calls are up")
	fs.BoolVar(&cfg.Record, "record", true, "record every call (as in production)")
	fs.BoolVar(&cfg.SIPCustomers, "sip", false, "customers as plain RTP callers (calls from the SIP trunk); agents stay WebRTC")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the measured run to this file")
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	fmt.Fprintf(stdout, "bench calls: %d calls at %d/s, %s measured, GOMAXPROCS %d\n", cfg.Calls, cfg.Rate, cfg.Duration, runtime.GOMAXPROCS(0))
	res, err := bench.Calls(ctx, cfg)
	if res != nil {
		res.Fprint(stdout)
	}
	return err
}
