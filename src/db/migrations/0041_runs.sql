-- Runs: one execution of an agent's graph on a thread.
CREATE TABLE runs (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  owner_id text NOT NULL,
  thread_id uuid NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
  agent_id text NOT NULL,
  kind text NOT NULL DEFAULT 'message' CHECK (kind IN ('message', 'resume')),
  status text NOT NULL DEFAULT 'pending'
    CHECK (status IN ('pending', 'running', 'success', 'error', 'interrupted', 'cancelled')),
  error text,
  multitask_strategy text NOT NULL DEFAULT 'reject'
    CHECK (multitask_strategy IN ('reject', 'enqueue', 'interrupt', 'rollback')),
  -- The thread's head checkpoint before the run (for ROLLBACK and replay)
  -- and after it (for replay once the in-memory event buffer is gone).
  pre_checkpoint_id text,
  checkpoint_id text,
  -- The sequence of the run's last event, so replayed events continue it.
  last_sequence integer NOT NULL DEFAULT 0,
  -- The instance running it renews this; a lapsed lease on an active run
  -- means its process died, and any instance may then fail the run.
  lease_expires_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  started_at timestamptz,
  ended_at timestamptz
);

CREATE INDEX runs_thread_seq ON runs (thread_id, seq DESC);
CREATE INDEX runs_active ON runs (lease_expires_at) WHERE status IN ('pending', 'running');
