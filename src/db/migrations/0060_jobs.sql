-- Background jobs (src/queue/jobs.ts): document ingest, memory reflection,
-- consolidation and the periodic maintenance, run by workers on any replica.
-- A worker claims due rows with FOR UPDATE SKIP LOCKED and holds a lease it
-- renews; a row whose lease lapsed (its holder died) is claimed again.
CREATE TABLE jobs (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  kind text NOT NULL CHECK (kind <> ''),
  payload jsonb NOT NULL DEFAULT '{}',
  -- The user the job acts for, when it acts for one (ingest, reflection).
  owner_id text,
  -- At most one unfinished job per key (the partial index below): a second
  -- enqueue with the key joins or replaces the waiting one.
  dedupe_key text,
  status text NOT NULL DEFAULT 'pending'
    CHECK (status IN ('pending', 'running', 'done', 'failed')),
  -- Claims so far, this one included.
  attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  max_attempts integer NOT NULL DEFAULT 3 CHECK (max_attempts >= 1),
  run_after timestamptz NOT NULL DEFAULT now(),
  lease_expires_at timestamptz,
  -- The worker (one per process) holding the lease.
  claimed_by text,
  -- The last failure's reason; the final one when `failed`.
  error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  started_at timestamptz,
  ended_at timestamptz
);

CREATE UNIQUE INDEX jobs_dedupe_unfinished ON jobs (dedupe_key)
  WHERE status IN ('pending', 'running');
-- The claim's two scans: due pending jobs, and running ones whose lease lapsed.
CREATE INDEX jobs_pending_due ON jobs (run_after) WHERE status = 'pending';
CREATE INDEX jobs_running_lease ON jobs (lease_expires_at) WHERE status = 'running';
-- Pruning finished jobs by age.
CREATE INDEX jobs_finished ON jobs (ended_at) WHERE status IN ('done', 'failed');

-- The periodic memory jobs now live in `jobs` (a self-rescheduling chain).
DROP TABLE memory_jobs;
