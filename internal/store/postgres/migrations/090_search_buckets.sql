-- Recency buckets in the search vectors (issue 7, PostgreSQL). GIN lists a
-- word's matches in no useful order, so a word with thousands of matches
-- cost a heap visit for each of them before the newest could be picked.
-- Each vector now also holds one lexeme naming its row's ID range,
-- '~' followed by id >> shift (messages 16,384 IDs a bucket, conversations
-- 4,096, customers 2,048). A search asks for its words AND the buckets of
-- the newest ID range first (see postgres.tsSearch), which GIN intersects
-- inside the index, so only matches of that range reach the heap. No typed
-- word can be such a lexeme: folding turns '~' into a space.
CREATE FUNCTION sb_bucket(id bigint, shift integer) RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT array_to_tsvector(ARRAY['~' || (id >> shift)::text]) $$;
-- sb_buckets(lo, before, shift) is the tsquery of the buckets of IDs lo to
-- before - 1, planned as a constant with the search's arguments.
CREATE FUNCTION sb_buckets(lo bigint, before bigint, shift integer) RETURNS tsquery LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT string_agg(quote_literal('~' || b::text), ' | ')::tsquery FROM generate_series(lo >> shift, (before - 1) >> shift) b $$;

DROP INDEX IF EXISTS messages_search;
ALTER TABLE messages DROP COLUMN search;
ALTER TABLE messages ADD COLUMN search tsvector GENERATED ALWAYS AS (to_tsvector('simple', sb_fold(text)) || sb_bucket(id, 14)) STORED;
CREATE INDEX messages_search ON messages USING gin (search);

DROP INDEX IF EXISTS customers_search;
ALTER TABLE customers DROP COLUMN search;
ALTER TABLE customers ADD COLUMN search tsvector GENERATED ALWAYS AS (to_tsvector('simple', sb_fold(search_terms)) || sb_bucket(id, 11)) STORED;
CREATE INDEX customers_search ON customers USING gin (search);

DROP INDEX IF EXISTS conversations_search;
CREATE OR REPLACE FUNCTION sb_conversation_search() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.search := to_tsvector('simple', sb_fold(NEW.topic || ' ' || COALESCE((SELECT search_terms FROM customers WHERE id = NEW.customer_id), ''))) || sb_bucket(NEW.id, 12); RETURN NEW; END $$;
UPDATE conversations SET topic = topic;
CREATE INDEX conversations_search ON conversations USING gin (search);
ANALYZE messages, customers, conversations;
