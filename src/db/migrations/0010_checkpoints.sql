-- LangGraph checkpoints (src/threads/checkpointer.ts).
--
-- A checkpoint row holds the serialized checkpoint without its channel
-- values. Each channel value is stored once per (channel, version) in
-- checkpoint_blobs, so a super-step that changes one channel writes one blob
-- and later checkpoints reuse the blobs of the channels they did not change.
-- checkpoint_writes holds a super-step's pending writes, so a run that
-- crashes between tasks resumes without redoing the tasks that finished.
--
-- Every row carries the owner of its thread (the user id the run acts for),
-- last in each key: reads that name an owner see only that owner's rows, and
-- a write can never replace or block another owner's row, even with a
-- guessed thread id. Deleting a thread's checkpoints ignores owners.
--
-- Ids and names use the "C" collation: checkpoint ids are uuid6 strings whose
-- byte order is their time order, and pending writes must come back in code
-- point order (LangGraph's writesSortKey), whatever the database's locale.

CREATE TABLE checkpoints (
  owner_id text NOT NULL,
  thread_id text COLLATE "C" NOT NULL,
  checkpoint_ns text COLLATE "C" NOT NULL DEFAULT '',
  checkpoint_id text COLLATE "C" NOT NULL,
  parent_checkpoint_id text COLLATE "C",
  -- The serializer's type tag and bytes (channel_values left out).
  type text NOT NULL,
  checkpoint bytea NOT NULL,
  -- Copied out of the checkpoint so reads can join the blobs in SQL.
  channel_versions jsonb NOT NULL DEFAULT '{}',
  -- Plain JSON so list() can filter with @>.
  metadata jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (thread_id, checkpoint_ns, checkpoint_id, owner_id)
);

CREATE TABLE checkpoint_blobs (
  owner_id text NOT NULL,
  thread_id text COLLATE "C" NOT NULL,
  checkpoint_ns text COLLATE "C" NOT NULL DEFAULT '',
  channel text COLLATE "C" NOT NULL,
  version text COLLATE "C" NOT NULL,
  -- 'empty' (and a NULL blob) marks a channel that was cleared at this version.
  type text NOT NULL,
  blob bytea,
  PRIMARY KEY (thread_id, checkpoint_ns, channel, version, owner_id)
);

CREATE TABLE checkpoint_writes (
  owner_id text NOT NULL,
  thread_id text COLLATE "C" NOT NULL,
  checkpoint_ns text COLLATE "C" NOT NULL DEFAULT '',
  checkpoint_id text COLLATE "C" NOT NULL,
  task_id text COLLATE "C" NOT NULL,
  -- Position in the task's writes; negative for special channels (error,
  -- interrupt, resume, scheduled), which a retry overwrites.
  idx integer NOT NULL,
  channel text COLLATE "C" NOT NULL,
  type text NOT NULL,
  blob bytea NOT NULL,
  task_path text COLLATE "C" NOT NULL DEFAULT '',
  PRIMARY KEY (thread_id, checkpoint_ns, checkpoint_id, task_id, idx, owner_id)
);
