-- The search indexes' vocabularies (issue 22, search at scale): an
-- fts5vocab 'instance' table per index lists a term range's postings one by
-- one, so a search can count, cheaply and up to a bound, how many postings
-- a typed prefix longer than the prefix indexes cover has (ftsSearch's
-- probe), and ask the index for exactly that prefix when they are few
-- instead of the covered, wider one. No storage: each reads its index.
CREATE VIRTUAL TABLE messages_fts_vocab USING fts5vocab(messages_fts, instance);
CREATE VIRTUAL TABLE conversations_fts_vocab USING fts5vocab(conversations_fts, instance);
CREATE VIRTUAL TABLE customers_fts_vocab USING fts5vocab(customers_fts, instance);
