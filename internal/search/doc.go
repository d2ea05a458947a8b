// Package search is the text analysis behind Switchboard's search (G1, G2,
// D8): it folds case and accents, splits text into tokens with their
// offsets, parses what a user typed into a query that can never be a
// syntax error, builds the indexed terms of a customer (names, addresses
// and phone numbers as digits), and scores, highlights and snippets the
// candidates a store's full-text index returned. Both stores use it, so
// they agree on what matches and in which order.
package search
