-- Full-text search (G1, G2, D8): tsvector columns with GIN indexes, kept in
-- step by the database (generated columns and triggers) in the same
-- transaction as every write. Text is folded with the 'simple' config (no
-- stemming, no stop words: names and addresses must match as typed), and
-- accents are removed with unaccent where the extension can be installed,
-- else with a translate() table. ASCII punctuation becomes spaces so that
-- addresses split into words as in SQLite and in package search. Prefix
-- queries use tsquery's :* on the same GIN indexes, and phone numbers are
-- indexed as digits with their suffixes (customers.search_terms), so no
-- trigram index is needed. Statements inside function bodies share one
-- line, since migrations split at a semicolon ending a line.
DO $do$ BEGIN CREATE EXTENSION IF NOT EXISTS unaccent SCHEMA public; EXCEPTION WHEN OTHERS THEN RAISE NOTICE 'unaccent is not available (%), accents are folded by a fixed table', SQLERRM; END $do$;
DO $do$ DECLARE s text; BEGIN SELECT n.nspname INTO s FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'unaccent'; IF s IS NULL THEN EXECUTE $f$CREATE FUNCTION sb_unaccent(t text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS 'SELECT translate(t, ''ÀÁÂÃÄÅàáâãäåÇçÈÉÊËèéêëÌÍÎÏìíîïÑñÒÓÔÕÖØòóôõöøÙÚÛÜùúûüÝýÿŁłŚśŹźŻżĆćŃńĘęĄąŠšŽžČčŘřĚěŮůĞğŞşİıŐőŰű'', ''AAAAAAaaaaaaCcEEEEeeeeIIIIiiiiNnOOOOOOooooooUUUUuuuuYyyLlSsZzZzCcNnEeAaSsZzCcRrEeUuGgSsIiOoUu'')'$f$; ELSE EXECUTE format($f$CREATE FUNCTION sb_unaccent(t text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $g$SELECT %I.unaccent(%L::regdictionary, t)$g$$f$, s, quote_ident(s) || '.unaccent'); END IF; END $do$;
CREATE FUNCTION sb_fold(t text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT lower(translate(sb_unaccent(t), '!"#$%&''()*+,-./:;<=>?@[\]^_`{|}~', '                                ')) $$;

ALTER TABLE messages ADD COLUMN search tsvector GENERATED ALWAYS AS (to_tsvector('simple', sb_fold(text))) STORED;
CREATE INDEX messages_search ON messages USING gin (search);

-- customers.search_terms is written by the store (package search): folded
-- name, address words and phone numbers as digits with their suffixes. The
-- backfill covers names and addresses; `switchboard reindex` adds the
-- phone suffixes of customers stored before this migration.
ALTER TABLE customers ADD COLUMN search_terms TEXT NOT NULL DEFAULT '';
UPDATE customers SET search_terms = trim(name || ' ' || COALESCE((SELECT string_agg(address, ' ') FROM contacts t WHERE t.customer_id = customers.id), ''));
ALTER TABLE customers ADD COLUMN search tsvector GENERATED ALWAYS AS (to_tsvector('simple', sb_fold(search_terms))) STORED;
CREATE INDEX customers_search ON customers USING gin (search);

-- A conversation is found by its topic and by its customer's terms, so its
-- vector is computed by a trigger; a customer's change recomputes it.
ALTER TABLE conversations ADD COLUMN search tsvector;
CREATE FUNCTION sb_conversation_search() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.search := to_tsvector('simple', sb_fold(NEW.topic || ' ' || COALESCE((SELECT search_terms FROM customers WHERE id = NEW.customer_id), ''))); RETURN NEW; END $$;
CREATE TRIGGER conversations_search BEFORE INSERT OR UPDATE OF topic, customer_id ON conversations
  FOR EACH ROW EXECUTE FUNCTION sb_conversation_search();
CREATE FUNCTION sb_customer_search() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN UPDATE conversations SET topic = topic WHERE customer_id = NEW.id; RETURN NULL; END $$;
CREATE TRIGGER customers_search AFTER UPDATE OF search_terms ON customers
  FOR EACH ROW WHEN (OLD.search_terms IS DISTINCT FROM NEW.search_terms) EXECUTE FUNCTION sb_customer_search();
UPDATE conversations SET topic = topic;
CREATE INDEX conversations_search ON conversations USING gin (search);
