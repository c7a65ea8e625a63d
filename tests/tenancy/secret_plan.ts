/**
 * The plan alice imports in the project tenancy tests: two phases around
 * today, the marker in every text, and one task assigned to bob so the
 * attacks include "the task's assignee, in someone else's plan".
 *
 * @module
 */
import { addDays, utcDay } from "../../src/project/calendar.ts";

/** Today (UTC) moved by `offset` days. */
function day(offset: number): string {
  return addDays(utcDay(new Date()), offset);
}

/** alice's plan: the marker in every text, one task assigned to bob. */
export function secretPlan(marker: string) {
  return {
    name: `Secret plan ${marker}`,
    description: `About ${marker}`,
    phases: [{
      id: "alpha_phase",
      name: `Phase ${marker}`,
      description: marker,
      startDate: day(-3),
      targetEndDate: day(10),
    }, { id: "beta_phase", name: "Later", startDate: day(11), targetEndDate: day(20) }],
    tasks: [
      {
        id: "alpha_task_1",
        phaseId: "alpha_phase",
        name: `Task ${marker}`,
        description: marker,
        priority: "high",
        estimatedHours: 2,
        assignee: "alice",
      },
      {
        id: "alpha_task_2",
        phaseId: "alpha_phase",
        name: "Second",
        priority: "low",
        estimatedHours: 1,
        dependencies: ["alpha_task_1"],
        assignee: "bob",
      },
      {
        id: "beta_task",
        phaseId: "beta_phase",
        name: "Third",
        priority: "medium",
        estimatedHours: 3,
      },
    ],
  };
}
