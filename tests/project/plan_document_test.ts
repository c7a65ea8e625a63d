import assert from "node:assert/strict";
import { planDocumentSchema } from "../../src/project/plan_document.ts";
import { findPlanProblems } from "../../src/project/plan_checks.ts";
import { defaultPlanDocument } from "../../src/project/plan_data.ts";

const PHASE = { id: "p1", name: "Build", startDate: "2026-03-02", targetEndDate: "2026-03-16" };

function plan(tasks: unknown[], phases: unknown[] = [PHASE]) {
  return { name: "Plan", phases, tasks };
}

function taskOf(id: string, dependencies: string[] = [], phaseId = "p1") {
  return { id, phaseId, name: id, priority: "high", estimatedHours: 1, dependencies };
}

/** Each issue as `path: message`. */
function issues(input: unknown): string[] {
  const result = planDocumentSchema.safeParse(input);
  assert.equal(result.success, false, "the plan was accepted");
  return result.error!.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
}

Deno.test("a minimal plan gets every default and the first phase's start as base date", () => {
  const parsed = planDocumentSchema.parse(plan([taskOf("t1")]));
  assert.deepEqual(parsed, {
    format: "graphmind.project-plan",
    version: 1,
    name: "Plan",
    description: "",
    baseDate: "2026-03-02",
    phases: [{ ...PHASE, description: "" }],
    tasks: [{
      id: "t1",
      phaseId: "p1",
      name: "t1",
      description: "",
      priority: "high",
      estimatedHours: 1,
      status: "not_started",
      assignee: null,
      dependencies: [],
      startDate: null,
      endDate: null,
    }],
  });
});

Deno.test("task instants are normalised to UTC ISO strings", () => {
  const parsed = planDocumentSchema.parse(
    plan([{ ...taskOf("t1"), status: "in_progress", startDate: "2026-03-02T10:00:00+02:00" }]),
  );
  assert.equal(parsed.tasks[0]?.startDate, "2026-03-02T08:00:00.000Z");
});

Deno.test("unknown dependency ids are named with their path", () => {
  assert.deepEqual(issues(plan([taskOf("a"), taskOf("b", ["a", "ghost"])])), [
    'tasks.1.dependencies.1: task "b" depends on unknown task "ghost"',
  ]);
});

Deno.test("dependency cycles are named along the cycle, self-dependencies too", () => {
  assert.deepEqual(issues(plan([taskOf("a", ["c"]), taskOf("b", ["a"]), taskOf("c", ["b"])])), [
    "tasks.0.dependencies: dependency cycle: a → c → b → a",
  ]);
  assert.deepEqual(issues(plan([taskOf("solo", ["solo"])])), [
    "tasks.0.dependencies: dependency cycle: solo → solo",
  ]);
});

Deno.test("duplicate phase, task and dependency ids are named", () => {
  assert.deepEqual(issues(plan([taskOf("a"), taskOf("a")], [PHASE, PHASE])), [
    'phases.1.id: duplicate phase id "p1" (already used by phases.0)',
    'tasks.1.id: duplicate task id "a" (already used by tasks.0)',
  ]);
  assert.deepEqual(issues(plan([taskOf("a"), taskOf("b", ["a", "a"])])), [
    'tasks.1.dependencies.1: task "b" lists "a" twice',
  ]);
});

Deno.test("a task outside any phase is named", () => {
  assert.deepEqual(issues(plan([taskOf("a", [], "nowhere")])), [
    'tasks.0.phaseId: task "a" is outside any phase: phase "nowhere" is not in phases',
  ]);
  assert.match(
    issues(plan([{ ...taskOf("a"), phaseId: undefined }]))[0] ?? "",
    /^tasks\.0\.phaseId: /,
  );
});

Deno.test("field rules: ids, priorities, statuses, hours, dates, unknown keys", () => {
  const found = issues({
    name: " ",
    phases: [{ ...PHASE, startDate: "2026-03-20", targetEndDate: "2026-03-01" }],
    tasks: [
      { ...taskOf("bad id"), priority: "urgent", estimatedHours: -1, status: "done" },
      { ...taskOf("ok"), dependsOn: ["x"], startDate: "yesterday" },
    ],
    version: 2,
  });
  for (
    const expected of [
      /^version: expected 1/,
      /^name: must not be empty/,
      /^phases\.0\.targetEndDate: targetEndDate must not be before startDate/,
      /^tasks\.0\.id: expected 1 to 64 letters/,
      /^tasks\.0\.priority: expected high, medium or low/,
      /^tasks\.0\.estimatedHours: must not be negative/,
      /^tasks\.0\.status: expected not_started, in_progress, completed or blocked/,
      /^tasks\.1\.startDate: expected an ISO 8601 date-time/,
      /^tasks\.1: .*dependsOn/,
    ]
  ) {
    assert.ok(found.some((line) => expected.test(line)), `${expected} not in ${found.join("\n")}`);
  }
});

Deno.test("a plan needs at least one phase and an object shape", () => {
  assert.deepEqual(issues(plan([], [])), ["phases: a plan needs at least one phase"]);
  assert.equal(issues("a plan").length, 1);
});

Deno.test("every problem of a plan is reported at once", () => {
  const problems = findPlanProblems({
    phases: [{ id: "p" }],
    tasks: [
      { id: "a", phaseId: "q", dependencies: ["b", "missing"] },
      { id: "b", phaseId: "p", dependencies: ["a"] },
    ],
  });
  assert.deepEqual(problems.map((p) => p.message), [
    'task "a" is outside any phase: phase "q" is not in phases',
    'task "a" depends on unknown task "missing"',
    "dependency cycle: a → b → a",
  ]);
});

Deno.test("the default plan is a valid document: 5 phases, 22 tasks, weeks from the base date", () => {
  const doc = defaultPlanDocument("2026-03-02");
  assert.deepEqual(planDocumentSchema.parse(doc), doc);
  assert.deepEqual(
    doc.phases.map((p) => [p.id, p.startDate, p.targetEndDate]),
    [
      ["phase_1", "2026-03-02", "2026-03-16"],
      ["phase_2", "2026-03-16", "2026-04-06"],
      ["phase_3", "2026-04-06", "2026-04-20"],
      ["phase_4", "2026-04-20", "2026-05-04"],
      ["phase_5", "2026-05-04", "2026-05-18"],
    ],
  );
  assert.equal(doc.tasks.length, 22);
  assert.ok(doc.tasks.every((t) => t.status === "not_started" && t.assignee === null));
  const byId = new Map(doc.tasks.map((t) => [t.id, t]));
  assert.deepEqual(byId.get("agent_001")?.dependencies, ["arch_001", "arch_002"]);
  assert.deepEqual(byId.get("api_002")?.dependencies, ["api_001"]);
  assert.deepEqual(
    [byId.get("agent_003")?.priority, byId.get("agent_003")?.estimatedHours],
    ["medium", 32],
  );
  assert.equal(doc.tasks.reduce((sum, t) => sum + t.estimatedHours, 0), 318);
});
