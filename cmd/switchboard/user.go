package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/switchboard-cc/switchboard/internal/app"
	"github.com/switchboard-cc/switchboard/internal/auth"
	"github.com/switchboard-cc/switchboard/internal/desk"
)

// runUserCreate creates an account from the shell, for first set-up and
// scripts. It prints the new agent's ID.
func runUserCreate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var c Config
	var email, password, role, name string
	var capacity int
	fs := flag.NewFlagSet("user create", flag.ContinueOnError)
	c.storeFlags(fs)
	fs.StringVar(&email, "email", "", "email address (login name)")
	fs.StringVar(&password, "password", "", "password (at least 8 characters)")
	fs.StringVar(&role, "role", "agent", "admin, supervisor or agent")
	fs.StringVar(&name, "name", "", "display name (default: the email's local part)")
	fs.IntVar(&capacity, "capacity", desk.DefaultCapacity, "max concurrent conversations")
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	if len(password) < auth.MinPasswordLength {
		return fmt.Errorf("--password must be at least %d characters", auth.MinPasswordLength)
	}
	hash, err := auth.HashPassword(password)
	if err != nil {
		return err
	}
	store, err := app.OpenStore(ctx, &c.Config)
	if err != nil {
		return err
	}
	defer store.Close()

	a := &desk.Agent{Email: email, Name: name, Role: desk.Role(role), Capacity: capacity, PasswordHash: hash}
	if err := store.CreateAgent(desk.NewContextWithActor(ctx, desk.SystemActor), a); err != nil {
		if f := desk.ErrorField(err); f != "" {
			return fmt.Errorf("--%s: %s", f, desk.ErrorMessage(err))
		}
		return err
	}
	fmt.Fprintf(stdout, "created %s %s (id %s)\n", a.Role, a.Email, a.ID)
	return nil
}
