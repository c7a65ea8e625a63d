-- Uploaded documents and their passages. The text lives here, not in an
-- upload directory: replicas are stateless and share only Postgres, so a
-- file saved on one replica's disk would be missing on the others.
CREATE TABLE documents (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- Keyset pagination order: exact and gap-tolerant, unlike timestamps.
  seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  owner_id text NOT NULL,
  filename text NOT NULL CHECK (filename <> ''),
  title text,
  media_type text NOT NULL,
  size_bytes bigint NOT NULL CHECK (size_bytes > 0),
  -- SHA-256 of the uploaded bytes, hex: tells a re-upload of the same file.
  content_sha256 text NOT NULL CHECK (content_sha256 ~ '^[0-9a-f]{64}$'),
  -- The extracted text's length, in characters.
  text_chars integer NOT NULL CHECK (text_chars > 0),
  chunk_count integer NOT NULL CHECK (chunk_count > 0),
  -- Which embedder made the chunks' vectors (as memory_index records it for
  -- memories): a search compares only vectors from the configured one.
  embedding_model text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX documents_owner_seq ON documents (owner_id, seq DESC);

CREATE TABLE document_chunks (
  document_id uuid NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
  chunk_index integer NOT NULL CHECK (chunk_index >= 0),
  -- The document's owner again, so a search filters chunks without a join.
  owner_id text NOT NULL,
  content text NOT NULL,
  -- Typed to vector(LANGMEM_EMBEDDING_DIMS) at start, with the HNSW index
  -- (src/documents/index_meta.ts), as memory_items.embedding is.
  embedding vector NOT NULL,
  PRIMARY KEY (document_id, chunk_index)
);

CREATE INDEX document_chunks_owner ON document_chunks (owner_id);
