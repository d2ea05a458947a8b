package desk

import "context"

// Generations reads the database's write generation: a value that
// differs after any write committed by anyone (this process, another
// process on the same file, another node). A result computed after the
// generation was read is what computing it again would answer for as
// long as the generation reads the same (package gencache caches on
// it). "" means the store knows none: cache nothing.
type Generations interface {
	Generation(ctx context.Context) (string, error)
}
