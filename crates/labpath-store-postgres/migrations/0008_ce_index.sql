-- 0008: an index of each person's CE log, and imports written in batches.
--
-- The log itself is the `ce_*` events (labpath_store::ce). A write used to
-- check a new activity against the whole log, read and decoded again for
-- every activity, so a file of n activities took n times the log's length;
-- a few thousand lines held every other writer for minutes. `ce_index`
-- holds one row per activity in the log or in an open import, with its
-- certificate's hash, so each check is one lookup. `ce_imports` holds the
-- imports that started and have not ended: their activities join the log
-- (`import_id` set to NULL) only when the import completes.
--
-- Existing logs are indexed here: every activity logged and not withdrawn.
--
-- Never edit this file once committed: add a new numbered migration instead.

CREATE TABLE ce_index (
    activity    bigint PRIMARY KEY REFERENCES events (id),
    person_id   bigint NOT NULL,
    certificate text,    -- the certificate's content hash, when it has one
    import_id   bigint    -- the open import it belongs to; NULL: in the log
);
CREATE INDEX ce_index_by_certificate ON ce_index (person_id, certificate)
    WHERE certificate IS NOT NULL;
CREATE INDEX ce_index_by_import ON ce_index (import_id) WHERE import_id IS NOT NULL;

CREATE TABLE ce_imports (
    import_id bigint PRIMARY KEY REFERENCES events (id),
    person_id bigint NOT NULL
);

INSERT INTO ce_index (activity, person_id, certificate, import_id)
SELECT e.id, e.person_id, e.data ->> 'certificate', NULL
FROM events e
WHERE e.kind = 'ce_activity_logged'
  AND NOT EXISTS (
      SELECT 1 FROM events r
      WHERE r.kind = 'ce_activity_removed'
        AND r.person_id = e.person_id
        AND (r.data ->> 'activity')::bigint = e.id
  );
