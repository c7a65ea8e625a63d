-- Delivery plans: phases with date windows, tasks with dependencies.
-- A plan is either the deployment's one shared default plan (readable by
-- every user) or a plan imported by, and visible only to, its owner. Child
-- rows repeat the plan's owner so every table can be checked for ownership.

CREATE TABLE project_plans (
  id text PRIMARY KEY,
  -- Stable listing order and the keyset for cursors.
  seq integer GENERATED ALWAYS AS IDENTITY UNIQUE,
  owner_id text NOT NULL,
  is_default boolean NOT NULL DEFAULT false,
  name text NOT NULL,
  description text NOT NULL DEFAULT '',
  base_date date NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
-- At most one default plan, whatever its id: replicas seeding at once collide here.
CREATE UNIQUE INDEX project_plans_single_default ON project_plans (is_default) WHERE is_default;
CREATE INDEX project_plans_owner ON project_plans (owner_id, seq);

CREATE TABLE project_phases (
  plan_id text NOT NULL REFERENCES project_plans (id) ON DELETE CASCADE,
  id text NOT NULL,
  owner_id text NOT NULL,
  position integer NOT NULL,
  name text NOT NULL,
  description text NOT NULL DEFAULT '',
  start_date date NOT NULL,
  target_end_date date NOT NULL,
  PRIMARY KEY (plan_id, id),
  UNIQUE (plan_id, position),
  CHECK (target_end_date >= start_date)
);

CREATE TABLE project_tasks (
  plan_id text NOT NULL,
  id text NOT NULL,
  phase_id text NOT NULL,
  owner_id text NOT NULL,
  position integer NOT NULL,
  name text NOT NULL,
  description text NOT NULL DEFAULT '',
  priority text NOT NULL CHECK (priority IN ('high', 'medium', 'low')),
  estimated_hours double precision NOT NULL CHECK (estimated_hours >= 0),
  status text NOT NULL DEFAULT 'not_started'
    CHECK (status IN ('not_started', 'in_progress', 'completed', 'blocked')),
  assignee text,
  start_date timestamptz,
  end_date timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (plan_id, id),
  UNIQUE (plan_id, position),
  FOREIGN KEY (plan_id, phase_id) REFERENCES project_phases (plan_id, id) ON DELETE CASCADE
);
CREATE INDEX project_tasks_phase ON project_tasks (plan_id, phase_id, position);
CREATE INDEX project_tasks_assignee ON project_tasks (plan_id, assignee) WHERE assignee IS NOT NULL;

CREATE TABLE project_task_dependencies (
  plan_id text NOT NULL,
  task_id text NOT NULL,
  depends_on text NOT NULL,
  owner_id text NOT NULL,
  -- Keeps each task's dependency list in the order it was written.
  position integer NOT NULL,
  PRIMARY KEY (plan_id, task_id, depends_on),
  FOREIGN KEY (plan_id, task_id) REFERENCES project_tasks (plan_id, id) ON DELETE CASCADE,
  FOREIGN KEY (plan_id, depends_on) REFERENCES project_tasks (plan_id, id) ON DELETE CASCADE,
  CHECK (task_id <> depends_on)
);
CREATE INDEX project_task_dependencies_target ON project_task_dependencies (plan_id, depends_on);
