package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"time"
)

// runHealthcheck asks a running server for /readyz and fails unless it
// answers 200: the container image's HEALTHCHECK (the image has no curl).
func runHealthcheck(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var url string
	var timeout time.Duration
	fs := flag.NewFlagSet("healthcheck", flag.ContinueOnError)
	fs.StringVar(&url, "url", "http://127.0.0.1:8080/readyz", "URL that must answer 200")
	fs.DurationVar(&timeout, "timeout", 5*time.Second, "how long to wait for the answer")
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, "GET", url, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("healthcheck: %s answered %d", url, resp.StatusCode)
	}
	fmt.Fprintln(stdout, "ok")
	return nil
}
