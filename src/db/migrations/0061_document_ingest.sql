-- Asynchronous ingest: uploadDocument stores the file and returns the
-- document PROCESSING; a `document.ingest` job fills in the text's figures
-- and the chunks, and ends it READY or FAILED (with the reason).
ALTER TABLE documents
  ADD COLUMN status text NOT NULL DEFAULT 'READY'
    CHECK (status IN ('PROCESSING', 'READY', 'FAILED')),
  ADD COLUMN progress real NOT NULL DEFAULT 1 CHECK (progress >= 0 AND progress <= 1),
  ADD COLUMN error text,
  ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now(),
  ALTER COLUMN text_chars SET DEFAULT 0,
  ALTER COLUMN chunk_count SET DEFAULT 0,
  DROP CONSTRAINT documents_text_chars_check,
  DROP CONSTRAINT documents_chunk_count_check,
  ADD CONSTRAINT documents_text_chars_check CHECK (text_chars >= 0),
  ADD CONSTRAINT documents_chunk_count_check CHECK (chunk_count >= 0),
  -- A READY document has its text and chunks; a FAILED one says why.
  ADD CONSTRAINT documents_ready_has_chunks CHECK (status <> 'READY' OR chunk_count > 0),
  ADD CONSTRAINT documents_failed_has_error CHECK (status <> 'FAILED' OR error IS NOT NULL);
ALTER TABLE documents ALTER COLUMN status SET DEFAULT 'PROCESSING';
ALTER TABLE documents ALTER COLUMN progress SET DEFAULT 0;

-- The uploaded bytes until the ingest ends: replicas share nothing but
-- Postgres, so the replica that ingests reads the file here. The row is
-- deleted when the document becomes READY or FAILED.
CREATE TABLE document_uploads (
  document_id uuid PRIMARY KEY REFERENCES documents (id) ON DELETE CASCADE,
  owner_id text NOT NULL,
  bytes bytea NOT NULL
);
