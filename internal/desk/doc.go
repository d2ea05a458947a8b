// Package desk is the Switchboard domain: the types of a contact center
// (agents, queues, customers, conversations, messages, timeline events), the
// service contracts that stores implement, and the error codes every layer
// shares. It imports only the standard library; adapters (stores, HTTP,
// channels) and features (routing, presence, ...) depend on it, never the
// other way round.
package desk
