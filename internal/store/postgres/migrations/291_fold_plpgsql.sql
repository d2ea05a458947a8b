-- The search vectors' helper functions in PL/pgSQL (issue 22): every
-- message, customer and conversation row written computes its search
-- vector with sb_fold and sb_bucket. As SQL functions they were inlined
-- anew for every INSERT statement (their bodies parsed and analysed each
-- time) and sb_unaccent, which cannot be inlined (it calls the STABLE
-- unaccent), was parsed and planned again for every statement that called
-- it: about 90 µs of PostgreSQL CPU per message, half of an insert's
-- (docs/benchmarks.md, "PostgreSQL outbox"). PL/pgSQL keeps each body's
-- plan for the session. Same results: immutable, so still folded into
-- constants where a query passes constants.
DO $do$ DECLARE s text; BEGIN
  SELECT n.nspname INTO s FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'unaccent';
  IF s IS NOT NULL THEN
    EXECUTE format($f$CREATE OR REPLACE FUNCTION sb_unaccent(t text) RETURNS text LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $g$BEGIN RETURN %I.unaccent(%L::regdictionary, t); END$g$$f$, s, quote_ident(s) || '.unaccent');
  END IF;
END $do$;
CREATE OR REPLACE FUNCTION sb_fold(t text) RETURNS text LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
  AS $$ BEGIN RETURN lower(translate(sb_unaccent(t), '!"#$%&''()*+,-./:;<=>?@[\]^_`{|}~', '                                ')); END $$;
CREATE OR REPLACE FUNCTION sb_bucket(id bigint, shift integer) RETURNS tsvector LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
  AS $$ BEGIN RETURN array_to_tsvector(ARRAY['~' || (id >> shift)::text]); END $$;
