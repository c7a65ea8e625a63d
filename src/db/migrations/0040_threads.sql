-- Conversation threads. Their messages live in LangGraph checkpoints keyed
-- by the thread id; this row holds what clients list and filter by.
CREATE TABLE threads (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- Keyset pagination order: exact and gap-tolerant, unlike timestamps.
  seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  owner_id text NOT NULL,
  agent_id text NOT NULL,
  title text,
  metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
  status text NOT NULL DEFAULT 'idle'
    CHECK (status IN ('idle', 'busy', 'interrupted', 'error')),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX threads_owner_seq ON threads (owner_id, seq DESC);
CREATE INDEX threads_metadata ON threads USING gin (metadata jsonb_path_ops);
