-- The durable run queue and event log (scale-out): any replica claims any
-- pending run, and any replica serves any run's events.

-- What a worker needs to execute a run it did not receive: the input
-- (the user's message or the resume value) and the sender's tool permissions.
ALTER TABLE runs ADD COLUMN input jsonb;
ALTER TABLE runs ADD COLUMN permissions text[];
-- Claims so far; a run whose holder died is claimed again up to
-- RUN_MAX_ATTEMPTS times, resuming from its last checkpoint.
ALTER TABLE runs ADD COLUMN attempts integer NOT NULL DEFAULT 0;
-- The worker holding the run (hostname, pid and a random suffix).
ALTER TABLE runs ADD COLUMN claimed_by text;
-- A cancellation asked for from any replica; the holder stops the run.
ALTER TABLE runs ADD COLUMN cancel_action text CHECK (cancel_action IN ('interrupt', 'rollback'));
ALTER TABLE runs ADD COLUMN cancel_reason text;

-- The claim's scan: pending runs in order, and running ones by lease.
CREATE INDEX runs_pending ON runs (seq) WHERE status = 'pending';
CREATE INDEX runs_running_lease ON runs (lease_expires_at) WHERE status = 'running';
CREATE INDEX runs_ended ON runs (ended_at) WHERE ended_at IS NOT NULL;

-- Every event of every run, numbered by the run's sequence: a replay with
-- `after` reads it, on any replica, then follows the live notifications.
-- `event` is the event as clients receive it, serialised once.
-- `owner_id` is the run's owner, so every read names it like every other table.
CREATE TABLE run_events (
  run_id uuid NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  sequence integer NOT NULL,
  owner_id text NOT NULL,
  event text NOT NULL,
  PRIMARY KEY (run_id, sequence)
);
