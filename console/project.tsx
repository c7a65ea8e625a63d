/// <reference lib="dom" />
/** @jsxImportSource preact */
/**
 * The project status board: overall figures, phases, the tasks with their
 * status (changeable here), and the next tasks, all updated live from the
 * `projectStatusChanged` subscription.
 *
 * @module
 */
import { useEffect, useState } from "preact/hooks";
import type { GraphmindClient } from "../client/mod.ts";
import {
  type ProjectStatusFieldsFragment,
  type TaskFieldsFragment,
  TasksDocument,
  type TaskStatus,
} from "../client/generated.ts";
import { describe } from "./api.ts";

const STATUSES: TaskStatus[] = ["NOT_STARTED", "IN_PROGRESS", "COMPLETED", "BLOCKED"];

export function ProjectView({ client }: { client: GraphmindClient }) {
  const [status, setStatus] = useState<ProjectStatusFieldsFragment>();
  const [tasks, setTasks] = useState<TaskFieldsFragment[]>([]);
  const [next, setNext] = useState<TaskFieldsFragment[]>([]);
  const [updates, setUpdates] = useState(0);
  const [error, setError] = useState<string>();

  useEffect(() => {
    const controller = new AbortController();
    (async () => {
      for await (const latest of client.project.watch({ signal: controller.signal })) {
        // The task lists are read before anything is shown, so the board changes at once.
        const [all, upcoming] = await Promise.all([
          client.request(TasksDocument, { first: 100 }),
          client.project.nextTasks({ limit: 5, allPhases: true }),
        ]);
        setTasks(all.tasks.edges.map((e) => e.node));
        setNext(upcoming);
        setStatus(latest);
        setUpdates((n) => n + 1);
      }
    })().catch((e) => {
      if (!controller.signal.aborted) setError(describe(e));
    });
    return () => controller.abort();
  }, []);

  async function change(task: TaskFieldsFragment, to: TaskStatus) {
    setError(undefined);
    try {
      await client.project.updateTask(task.id, to, { force: true });
    } catch (e) {
      setError(describe(e));
    }
  }

  if (!status) {
    return (
      <section aria-label="Project status">
        {error ? <p role="alert" class="error">{error}</p> : <p>Loading the plan…</p>}
      </section>
    );
  }
  return (
    <section class="project" aria-label="Project status">
      {error && <p role="alert" class="error">{error}</p>}
      <h2>{status.planName}</h2>
      <dl class="figures" data-testid="project-figures" data-updates={updates}>
        <dt>Overall</dt>
        <dd>{status.overallCompletion.toFixed(1)} %</dd>
        <dt>Tasks done</dt>
        <dd>{status.completedTasks} / {status.totalTasks}</dd>
        <dt>In progress</dt>
        <dd data-testid="in-progress">{status.inProgressTasks}</dd>
        <dt>Blocked</dt>
        <dd>{status.blockedTasks}</dd>
        <dt>Current phase</dt>
        <dd>{status.currentPhase?.name ?? "none"}</dd>
      </dl>
      <table>
        <caption>Phases</caption>
        <thead>
          <tr>
            <th scope="col">Phase</th>
            <th scope="col">Completion</th>
            <th scope="col">Tasks</th>
          </tr>
        </thead>
        <tbody>
          {status.phases.map((p) => (
            <tr key={p.id}>
              <td>{p.name}{p.isOverdue ? " (overdue)" : ""}</td>
              <td>
                <progress
                  value={p.completion}
                  max={100}
                  aria-label={`${p.name} completion`}
                />{" "}
                {p.completion.toFixed(0)} %
              </td>
              <td>{p.completedTasks} / {p.totalTasks}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>Next tasks</h3>
      <ol>
        {next.map((t) => (
          <li key={t.id}>
            {t.name} <small>{t.priority.toLowerCase()}</small>
          </li>
        ))}
      </ol>
      <table>
        <caption>Tasks</caption>
        <thead>
          <tr>
            <th scope="col">Task</th>
            <th scope="col">Priority</th>
            <th scope="col">Hours</th>
            <th scope="col">Status</th>
          </tr>
        </thead>
        <tbody>
          {tasks.map((t) => (
            <tr key={t.id} data-task={t.id}>
              <td>{t.name}</td>
              <td>{t.priority.toLowerCase()}</td>
              <td>{t.estimatedHours}</td>
              <td>
                <select
                  aria-label={`Status of ${t.name}`}
                  value={t.status}
                  onChange={(e) => change(t, e.currentTarget.value as TaskStatus)}
                >
                  {STATUSES.map((s) => (
                    <option key={s} value={s}>{s.replace("_", " ").toLowerCase()}</option>
                  ))}
                </select>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
