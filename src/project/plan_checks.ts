/**
 * The checks a plan needs beyond the shape of each field: ids are unique,
 * every task sits in a phase of the plan, every dependency names a task of
 * the plan, and dependencies form no cycle. Each problem carries the path of
 * the offending value, so an import error can name it.
 *
 * @example
 * ```ts
 * const problems = findPlanProblems({
 *   phases: [{ id: "p1" }],
 *   tasks: [{ id: "a", phaseId: "p1", dependencies: ["a"] }],
 * });
 * console.log(problems[0]?.message); // dependency cycle: a → a
 * ```
 * @module
 */

/** One problem, with the path of the value to fix inside the plan. */
export interface PlanProblem {
  path: (string | number)[];
  message: string;
}

/** The parts of a plan the checks read. */
export interface PlanGraph {
  phases: readonly { id: string }[];
  tasks: readonly { id: string; phaseId: string; dependencies: readonly string[] }[];
}

/** Every problem in `plan`, in the order of the plan's own lists; empty when sound. */
export function findPlanProblems(plan: PlanGraph): PlanProblem[] {
  const problems: PlanProblem[] = [];
  const phaseIds = firstIndexes(plan.phases, "phases", problems, "phase");
  const taskIds = firstIndexes(plan.tasks, "tasks", problems, "task");
  plan.tasks.forEach((task, index) => {
    if (!phaseIds.has(task.phaseId)) {
      problems.push({
        path: ["tasks", index, "phaseId"],
        message: `task "${task.id}" is outside any phase: phase "${task.phaseId}" is not in phases`,
      });
    }
    const seen = new Set<string>();
    task.dependencies.forEach((dependency, position) => {
      const path = ["tasks", index, "dependencies", position];
      if (seen.has(dependency)) {
        problems.push({ path, message: `task "${task.id}" lists "${dependency}" twice` });
      } else if (!taskIds.has(dependency)) {
        problems.push({
          path,
          message: `task "${task.id}" depends on unknown task "${dependency}"`,
        });
      }
      seen.add(dependency);
    });
  });
  for (const cycle of findCycles(plan.tasks, taskIds)) {
    const start = cycle[0] as string;
    problems.push({
      path: ["tasks", taskIds.get(start) as number, "dependencies"],
      message: `dependency cycle: ${[...cycle, start].join(" → ")}`,
    });
  }
  return problems;
}

/** Maps each id to the index of its first use, reporting the later duplicates. */
function firstIndexes(
  items: readonly { id: string }[],
  list: string,
  problems: PlanProblem[],
  noun: string,
): Map<string, number> {
  const indexes = new Map<string, number>();
  items.forEach((item, index) => {
    const first = indexes.get(item.id);
    if (first === undefined) {
      indexes.set(item.id, index);
    } else {
      problems.push({
        path: [list, index, "id"],
        message: `duplicate ${noun} id "${item.id}" (already used by ${list}.${first})`,
      });
    }
  });
  return indexes;
}

/**
 * Each distinct cycle once, as the list of task ids along it, found by a
 * depth-first search that follows known dependencies only.
 */
function findCycles(tasks: PlanGraph["tasks"], taskIds: Map<string, number>): string[][] {
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const cycles: string[][] = [];

  function visit(id: string): void {
    state.set(id, "open");
    stack.push(id);
    const task = tasks[taskIds.get(id) as number];
    for (const dependency of new Set(task?.dependencies ?? [])) {
      if (!taskIds.has(dependency)) continue;
      const seen = state.get(dependency);
      if (seen === "open") cycles.push(stack.slice(stack.indexOf(dependency)));
      else if (seen === undefined) visit(dependency);
    }
    stack.pop();
    state.set(id, "done");
  }

  for (const id of taskIds.keys()) {
    if (!state.has(id)) visit(id);
  }
  return cycles;
}
