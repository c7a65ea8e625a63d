/**
 * The delivery plan seeded as the deployment's shared default plan. Phase
 * windows are written in weeks from the base date, the day the plan is
 * created, and become calendar days when it is seeded.
 *
 * @example
 * ```ts
 * const plan = defaultPlanDocument("2026-03-02");
 * console.log(plan.phases[1]?.startDate); // "2026-03-16"
 * ```
 * @module
 */
import type { PlanDocument, TaskPriority } from "./plan_document.ts";
import { addDays } from "./calendar.ts";

/** The default plan's id; `planId` arguments default to it. */
export const DEFAULT_PLAN_ID = "default";

/** The owner recorded on the default plan. Access to it never depends on this value. */
export const DEFAULT_PLAN_OWNER = "system";

interface SeedTask {
  id: string;
  name: string;
  description: string;
  priority: TaskPriority;
  hours: number;
  needs?: string[];
}

interface SeedPhase {
  id: string;
  name: string;
  weeks: [from: number, to: number];
  tasks: SeedTask[];
}

const PHASES: SeedPhase[] = [
  {
    id: "phase_1",
    name: "Core architecture",
    weeks: [0, 2],
    tasks: [
      task(
        "arch_001",
        "Agent base architecture",
        "BaseAgent abstraction and agent registry",
        "high",
        16,
      ),
      task("arch_002", "State management", "Checkpoint manager and thread manager", "high", 20),
      task("arch_003", "Configuration management", "", "medium", 8),
      task("arch_004", "Database model design", "", "high", 12),
    ],
  },
  {
    id: "phase_2",
    name: "Agent implementation",
    weeks: [2, 5],
    tasks: [
      task(
        "agent_001",
        "Multi-agent collaboration",
        "Supervisor, research agent and chart agent",
        "high",
        24,
        ["arch_001", "arch_002"],
      ),
      task("agent_002", "Agentic RAG", "", "high", 20, ["arch_001", "arch_002"]),
      task(
        "agent_003",
        "Specialised agents",
        "Code, data analysis, content creation",
        "medium",
        32,
        ["agent_001"],
      ),
      task("agent_004", "Tool integration", "Tool management and dynamic loading", "high", 16),
    ],
  },
  {
    id: "phase_3",
    name: "API and streaming",
    weeks: [5, 7],
    tasks: [
      task("api_001", "API endpoints", "", "high", 20, ["agent_001", "agent_002"]),
      task("api_002", "Streaming over WebSocket and SSE", "", "high", 16, ["api_001"]),
      task("api_003", "Interrupt and resume", "", "medium", 12, ["api_001"]),
      task("api_004", "Authentication and authorization", "", "medium", 10),
    ],
  },
  {
    id: "phase_4",
    name: "Deployment and monitoring",
    weeks: [7, 9],
    tasks: [
      task("deploy_001", "Docker", "Dockerfile and compose", "high", 8),
      task("deploy_002", "Kubernetes", "", "medium", 12),
      task("monitor_001", "Monitoring", "Prometheus and Grafana dashboards", "high", 16),
      task("monitor_002", "Logging", "Structured logs and aggregation", "medium", 8),
      task("monitor_003", "Health checks", "", "high", 6),
    ],
  },
  {
    id: "phase_5",
    name: "Testing and documentation",
    weeks: [9, 11],
    tasks: [
      task("test_001", "Unit tests", "", "high", 20),
      task("test_002", "Integration tests", "", "high", 16),
      task("test_003", "Performance tests", "", "medium", 12),
      task("doc_001", "API documentation", "", "medium", 8),
      task("doc_002", "Deployment documentation", "", "medium", 6),
    ],
  },
];

function task(
  id: string,
  name: string,
  description: string,
  priority: TaskPriority,
  hours: number,
  needs: string[] = [],
): SeedTask {
  return { id, name, description, priority, hours, needs };
}

/** The default plan as a plan document whose weeks count from `baseDate` (YYYY-MM-DD). */
export function defaultPlanDocument(baseDate: string): PlanDocument {
  return {
    format: "graphmind.project-plan",
    version: 1,
    name: "Graphmind delivery",
    description: "The delivery plan of Graphmind itself: five phases over eleven weeks.",
    baseDate,
    phases: PHASES.map((phase) => ({
      id: phase.id,
      name: phase.name,
      description: `Weeks ${phase.weeks[0]}–${phase.weeks[1]} of the plan.`,
      startDate: addDays(baseDate, phase.weeks[0] * 7),
      targetEndDate: addDays(baseDate, phase.weeks[1] * 7),
    })),
    tasks: PHASES.flatMap((phase) =>
      phase.tasks.map((t) => ({
        id: t.id,
        phaseId: phase.id,
        name: t.name,
        description: t.description,
        priority: t.priority,
        estimatedHours: t.hours,
        status: "not_started" as const,
        assignee: null,
        dependencies: t.needs ?? [],
        startDate: null,
        endDate: null,
      }))
    ),
  };
}
