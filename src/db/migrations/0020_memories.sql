-- Long-term memory: live items, their closed versions, access statistics,
-- per-namespace counters and the embedding model the vectors came from.
--
-- Namespaces are text[] with the "C" collation, so a namespace prefix is a
-- plain btree range on the primary key (never LIKE on user input), and the
-- owner is its own column beside the path.

-- One row: which model and dimension the stored vectors were made with.
-- The store types `memory_items.embedding` to vector(dims) and builds the
-- HNSW index from it at start; a mismatch stops the start.
CREATE TABLE memory_index (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  embedding_model text NOT NULL,
  dims integer NOT NULL CHECK (dims > 0),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE memory_items (
  owner_id text NOT NULL,
  namespace text[] COLLATE "C" NOT NULL CHECK (cardinality(namespace) BETWEEN 1 AND 16),
  key text NOT NULL CHECK (key <> ''),
  value jsonb NOT NULL CHECK (jsonb_typeof(value) = 'object'),
  -- The text that was embedded; NULL when the item is not indexed.
  text text,
  embedding vector,
  version integer NOT NULL DEFAULT 1,
  -- When the current value began to hold (history's validFrom).
  valid_from timestamptz NOT NULL DEFAULT now(),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz,
  PRIMARY KEY (owner_id, namespace, key)
);
CREATE INDEX memory_items_expires_at ON memory_items (expires_at) WHERE expires_at IS NOT NULL;

-- Reads counted apart from the items, so a search never rewrites an item
-- row (which would add entries to its HNSW index).
CREATE TABLE memory_usage (
  owner_id text NOT NULL,
  namespace text[] COLLATE "C" NOT NULL,
  key text NOT NULL,
  access_count integer NOT NULL DEFAULT 0,
  last_accessed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (owner_id, namespace, key),
  FOREIGN KEY (owner_id, namespace, key) REFERENCES memory_items ON DELETE CASCADE
);

-- Closed versions: what a memory said before an update, a contradiction,
-- a merge, an eviction or a delete. The live row is the current version.
CREATE TABLE memory_versions (
  owner_id text NOT NULL,
  namespace text[] COLLATE "C" NOT NULL,
  key text NOT NULL,
  version integer NOT NULL,
  value jsonb NOT NULL,
  valid_from timestamptz NOT NULL,
  valid_to timestamptz NOT NULL,
  change text NOT NULL
    CHECK (change IN ('updated', 'deleted', 'contradicted', 'merged', 'evicted')),
  -- The key of the memory that replaced this one (merges, contradictions).
  superseded_by text,
  PRIMARY KEY (owner_id, namespace, key, version)
);
CREATE INDEX memory_versions_valid_to ON memory_versions (valid_to);

-- Counters per namespace, kept exact by the triggers below: the cap, the
-- auto-consolidation threshold, listNamespaces and the size gauge read them.
CREATE TABLE memory_namespaces (
  owner_id text NOT NULL,
  namespace text[] COLLATE "C" NOT NULL,
  item_count integer NOT NULL DEFAULT 0,
  size_bytes bigint NOT NULL DEFAULT 0,
  added_since_consolidation integer NOT NULL DEFAULT 0,
  last_consolidated_at timestamptz,
  PRIMARY KEY (owner_id, namespace)
);

CREATE FUNCTION memory_item_bytes(item memory_items) RETURNS bigint
LANGUAGE sql IMMUTABLE AS $$
  SELECT octet_length(item.value::text)::bigint + octet_length(item.key)
    + coalesce(octet_length(item.text), 0) + coalesce(vector_dims(item.embedding) * 4, 0)
$$;

-- Statement-level triggers with transition tables: one aggregated upsert per
-- statement, so bulk inserts do not pay a counter update per row.
CREATE FUNCTION memory_items_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO memory_namespaces AS n (owner_id, namespace, item_count, size_bytes,
    added_since_consolidation)
  SELECT owner_id, namespace, count(*), sum(memory_item_bytes(r)), count(*)
  FROM new_rows r GROUP BY owner_id, namespace
  ON CONFLICT (owner_id, namespace) DO UPDATE SET
    item_count = n.item_count + EXCLUDED.item_count,
    size_bytes = n.size_bytes + EXCLUDED.size_bytes,
    added_since_consolidation = n.added_since_consolidation + EXCLUDED.added_since_consolidation;
  RETURN NULL;
END $$;

CREATE FUNCTION memory_items_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE memory_namespaces n SET
    item_count = n.item_count - d.removed,
    size_bytes = n.size_bytes - d.bytes
  FROM (
    SELECT owner_id, namespace, count(*) AS removed, sum(memory_item_bytes(r)) AS bytes
    FROM old_rows r GROUP BY owner_id, namespace
  ) d
  WHERE n.owner_id = d.owner_id AND n.namespace = d.namespace;
  RETURN NULL;
END $$;

CREATE FUNCTION memory_items_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE memory_namespaces n SET size_bytes = n.size_bytes + d.delta
  FROM (
    SELECT nr.owner_id, nr.namespace, sum(memory_item_bytes(nr) - memory_item_bytes(o)) AS delta
    FROM new_rows nr
    JOIN old_rows o USING (owner_id, namespace, key)
    GROUP BY nr.owner_id, nr.namespace
  ) d
  WHERE n.owner_id = d.owner_id AND n.namespace = d.namespace AND d.delta <> 0;
  RETURN NULL;
END $$;

CREATE TRIGGER memory_items_count_insert AFTER INSERT ON memory_items
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION memory_items_inserted();
CREATE TRIGGER memory_items_count_delete AFTER DELETE ON memory_items
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION memory_items_deleted();
CREATE TRIGGER memory_items_count_update AFTER UPDATE ON memory_items
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION memory_items_updated();

-- When each periodic memory job (cleanup, backup) last ran, so replicas
-- share one schedule that survives restarts: a replica runs a job only after
-- claiming it here.
CREATE TABLE memory_jobs (
  name text PRIMARY KEY,
  last_run_at timestamptz NOT NULL
);
