package desk

// CodeDifferentCustomers refuses merging conversations of two customers.
const CodeDifferentCustomers = "different_customers"

// ConversationMerge is a merge of two conversations of one customer (C8)
// as internal/merge plans it, for the store to write in one transaction:
// Survivor (with the merged queue, assignee, summary, topic, priority and
// tags) takes Older's messages, files and media jobs and the latest
// survey of both; Older, as read, is closed pointing at it (keeping its
// closing time if it had one); both get a merged event.
type ConversationMerge struct {
	Survivor, Older *Conversation
	// Holders are the agents who held either conversation (nil for
	// none): locked for the write, their loads recounted.
	Holders []*ID
}
