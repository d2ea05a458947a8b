package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/switchboard-cc/switchboard/internal/app"
	"github.com/switchboard-cc/switchboard/internal/desk"
)

// runReindex rebuilds the store's search indexes from its records.
func runReindex(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var c Config
	fs := flag.NewFlagSet("reindex", flag.ContinueOnError)
	c.storeFlags(fs)
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	store, err := app.OpenStore(ctx, &c.Config)
	if err != nil {
		return err
	}
	defer store.Close()
	start := time.Now()
	if err := store.ReindexSearch(desk.NewContextWithActor(ctx, desk.SystemActor)); err != nil {
		return fmt.Errorf("reindex: %w", err)
	}
	fmt.Fprintf(stdout, "search indexes rebuilt in %s\n", time.Since(start).Round(time.Millisecond))
	return nil
}
