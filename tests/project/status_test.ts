import assert from "node:assert/strict";
import {
  compareByUrgency,
  currentPhaseOf,
  nextTasks,
  percent,
  phaseProgress,
  projectStatus,
} from "../../src/project/status.ts";
import type { PhaseRecord, PlanSnapshot, TaskRecord } from "../../src/project/records.ts";

const TODAY = "2026-03-10";

function phase(id: string, startDate: string, targetEndDate: string, position = 0): PhaseRecord {
  return { planId: "p", id, position, name: id, description: "", startDate, targetEndDate };
}

let nextPosition = 0;
function task(fields: Partial<TaskRecord> & { id: string; phaseId: string }): TaskRecord {
  return {
    planId: "p",
    position: nextPosition++,
    name: fields.id,
    description: "",
    priority: "medium",
    estimatedHours: 1,
    status: "not_started",
    assignee: null,
    dependencies: [],
    unfinishedDependencies: [],
    startDate: null,
    endDate: null,
    updatedAt: new Date(0),
    ...fields,
  };
}

function snapshot(phases: PhaseRecord[], tasks: TaskRecord[]): PlanSnapshot {
  const plan = {
    id: "p",
    seq: 1,
    ownerId: "alice",
    isDefault: false,
    name: "Plan",
    description: "",
    baseDate: "2026-03-01",
    createdAt: new Date(0),
    updatedAt: new Date(0),
  };
  return { plan, phases, tasks };
}

const WEEKS = [
  phase("one", "2026-03-01", "2026-03-08", 0),
  phase("two", "2026-03-08", "2026-03-15", 1),
  phase("three", "2026-03-15", "2026-03-22", 2),
];

Deno.test("percent rounds to two decimals and counts nothing-to-do as 100", () => {
  assert.equal(percent(1, 3), 33.33);
  assert.equal(percent(2, 3), 66.67);
  assert.equal(percent(0, 4), 0);
  assert.equal(percent(4, 4), 100);
  assert.equal(percent(0, 0), 100);
});

Deno.test("phase progress: completion, isCompleted, isOverdue, and empty phases", () => {
  const plan = snapshot(WEEKS, [
    task({ id: "a", phaseId: "one", status: "completed" }),
    task({ id: "b", phaseId: "one", status: "in_progress" }),
    task({ id: "c", phaseId: "two", status: "completed" }),
  ]);
  const [one, two, three] = phaseProgress(plan, TODAY);
  assert.deepEqual(
    [one?.completion, one?.isCompleted, one?.isOverdue, one?.totalTasks, one?.completedTasks],
    [50, false, true, 2, 1],
  );
  assert.deepEqual([two?.completion, two?.isCompleted, two?.isOverdue], [100, true, false]);
  assert.deepEqual([three?.completion, three?.isCompleted, three?.totalTasks], [100, true, 0]);
});

Deno.test("the current phase's window contains today (bounds inclusive), first in order", () => {
  const phases = phaseProgress(
    snapshot(WEEKS, WEEKS.map((p) => task({ id: p.id, phaseId: p.id }))),
    TODAY,
  );
  assert.deepEqual(currentPhaseOf(phases, "2026-03-10"), { phase: phases[1], basis: "schedule" });
  assert.equal(currentPhaseOf(phases, "2026-03-01")?.phase.id, "one", "start day is inside");
  assert.equal(currentPhaseOf(phases, "2026-03-22")?.phase.id, "three", "end day is inside");
  assert.equal(currentPhaseOf(phases, "2026-03-08")?.phase.id, "one", "shared day: first wins");
});

Deno.test("a completed phase is never current by schedule", () => {
  const plan = snapshot(WEEKS, [
    task({ id: "a", phaseId: "one", status: "completed" }),
    task({ id: "b", phaseId: "two" }),
    task({ id: "c", phaseId: "three" }),
  ]);
  const phases = phaseProgress(plan, "2026-03-08");
  assert.deepEqual(currentPhaseOf(phases, "2026-03-08"), { phase: phases[1], basis: "schedule" });
});

Deno.test("fallback: the earliest unfinished phase when no window qualifies", async (t) => {
  const tasks = [
    task({ id: "a", phaseId: "one" }),
    task({ id: "b", phaseId: "two" }),
    task({ id: "c", phaseId: "three" }),
  ];
  await t.step("before the plan starts: the first phase", () => {
    const phases = phaseProgress(snapshot(WEEKS, tasks), "2026-02-01");
    assert.deepEqual(currentPhaseOf(phases, "2026-02-01"), {
      phase: phases[0],
      basis: "earliest_unfinished",
    });
  });
  await t.step("after the plan ends with work left: the overdue phase", () => {
    const phases = phaseProgress(snapshot(WEEKS, tasks), "2026-04-01");
    assert.equal(currentPhaseOf(phases, "2026-04-01")?.phase.id, "one");
  });
  await t.step("today's phase finished early: the next unfinished one", () => {
    const early = [
      task({ id: "a", phaseId: "one", status: "completed" }),
      task({ id: "b", phaseId: "two", status: "completed" }),
      task({ id: "c", phaseId: "three" }),
    ];
    const phases = phaseProgress(snapshot(WEEKS, early), TODAY);
    assert.deepEqual(currentPhaseOf(phases, TODAY), {
      phase: phases[2],
      basis: "earliest_unfinished",
    });
  });
  await t.step("every phase completed: none", () => {
    const done = tasks.map((x) => ({ ...x, status: "completed" as const }));
    assert.equal(currentPhaseOf(phaseProgress(snapshot(WEEKS, done), TODAY), TODAY), null);
  });
});

Deno.test("project status totals every count and the current phase", () => {
  const plan = snapshot(WEEKS, [
    task({ id: "a", phaseId: "one", status: "completed" }),
    task({ id: "b", phaseId: "two", status: "in_progress" }),
    task({ id: "c", phaseId: "two", status: "blocked" }),
    task({ id: "d", phaseId: "three" }),
  ]);
  const status = projectStatus(plan, TODAY);
  assert.deepEqual(
    {
      totalPhases: status.totalPhases,
      completedPhases: status.completedPhases,
      totalTasks: status.totalTasks,
      completedTasks: status.completedTasks,
      inProgressTasks: status.inProgressTasks,
      blockedTasks: status.blockedTasks,
      notStartedTasks: status.notStartedTasks,
      overallCompletion: status.overallCompletion,
      current: status.currentPhase?.id,
      basis: status.currentPhaseBasis,
      asOf: status.asOf,
    },
    {
      totalPhases: 3,
      completedPhases: 1,
      totalTasks: 4,
      completedTasks: 1,
      inProgressTasks: 1,
      blockedTasks: 1,
      notStartedTasks: 1,
      overallCompletion: 25,
      current: "two",
      basis: "schedule",
      asOf: TODAY,
    },
  );
});

Deno.test("urgency compares priority ranks, not strings: low comes after medium", () => {
  const low = task({ id: "low", phaseId: "one", priority: "low", estimatedHours: 1 });
  const medium = task({ id: "medium", phaseId: "one", priority: "medium", estimatedHours: 9 });
  const high = task({ id: "high", phaseId: "one", priority: "high", estimatedHours: 30 });
  assert.deepEqual([low, medium, high].sort(compareByUrgency).map((x) => x.id), [
    "high",
    "medium",
    "low",
  ]);
});

Deno.test("urgency then prefers fewer estimated hours, then plan order", () => {
  const long = task({ id: "long", phaseId: "one", priority: "high", estimatedHours: 20 });
  const short = task({ id: "short", phaseId: "one", priority: "high", estimatedHours: 12 });
  const tie = task({ id: "tie", phaseId: "one", priority: "high", estimatedHours: 12 });
  assert.deepEqual([long, tie, short].sort(compareByUrgency).map((x) => x.id), [
    "short",
    "tie",
    "long",
  ]);
});

Deno.test("next tasks: not started, dependencies completed, in the given phases, limited", () => {
  const tasks = [
    task({ id: "started", phaseId: "one", status: "in_progress", priority: "high" }),
    task({ id: "waiting", phaseId: "one", priority: "high", unfinishedDependencies: ["x"] }),
    task({ id: "ready", phaseId: "one", priority: "low", dependencies: ["started"] }),
    task({ id: "blocked", phaseId: "one", status: "blocked", priority: "high" }),
    task({ id: "other", phaseId: "two", priority: "high" }),
    task({ id: "cheap", phaseId: "one", priority: "medium", estimatedHours: 0.5 }),
  ];
  assert.deepEqual(
    nextTasks(tasks, { limit: 5, phaseIds: new Set(["one"]) }).map((x) => x.id),
    ["cheap", "ready"],
  );
  assert.deepEqual(nextTasks(tasks, { limit: 5 }).map((x) => x.id), ["other", "cheap", "ready"]);
  assert.deepEqual(nextTasks(tasks, { limit: 1 }).map((x) => x.id), ["other"]);
});
