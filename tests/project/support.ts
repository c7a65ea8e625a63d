/**
 * Shared pieces of the project tests: an app that verifies tokens, tokens
 * for two users and an admin, and small plan documents dated around today.
 *
 * @module
 */
import assert from "node:assert/strict";
import { signJwt } from "../../src/auth/jwt.ts";
import { addDays, utcDay } from "../../src/project/calendar.ts";
import { type GraphQLBody, startTestApp, type TestApp } from "../support/app.ts";

/** The SECRET_KEY the test apps verify tokens with. */
export const SECRET = "project-tests-secret-0123456789";

/** Bearer headers for alice, bob (plain users) and root (admin). */
export interface Users {
  alice: Record<string, string>;
  bob: Record<string, string>;
  admin: Record<string, string>;
}

/** Starts an app that verifies tokens signed with {@linkcode SECRET}. */
export function startProjectApp(env: Record<string, string> = {}): Promise<TestApp> {
  return startTestApp({ SECRET_KEY: SECRET, ...env });
}

/** Signs one token per user. */
export async function signUsers(): Promise<Users> {
  const header = async (sub: string, roles: string[] = []) => ({
    authorization: `Bearer ${await signJwt({ sub, roles }, SECRET, { expiresInSeconds: 600 })}`,
  });
  return {
    alice: await header("alice"),
    bob: await header("bob"),
    admin: await header("root", ["admin"]),
  };
}

/** Today as the server sees it. */
export function today(): string {
  return utcDay(new Date());
}

/** `today()` moved by `days`. */
export function day(days: number): string {
  return addDays(today(), days);
}

/** The data of a body that must have no errors. */
export function dataOf(body: GraphQLBody): Record<string, unknown> {
  assert.equal(body.errors, undefined, JSON.stringify(body.errors));
  return body.data as Record<string, unknown>;
}

/** The code of a body's first error, asserting there is one. */
export function errorCode(body: GraphQLBody): string | undefined {
  assert.ok(body.errors?.length, `expected an error, got ${JSON.stringify(body.data)}`);
  return body.errors?.[0]?.extensions?.code as string | undefined;
}

/**
 * A three-phase plan: `build` runs now, `ship` is in the future, and `done`
 * is past and completed. `b` needs `a`; `c` needs `a` and `b`.
 */
export function smallPlan(): Record<string, unknown> {
  return {
    name: "Small plan",
    description: "Three phases around today.",
    phases: [
      { id: "done", name: "Done", startDate: day(-20), targetEndDate: day(-10) },
      { id: "build", name: "Build", startDate: day(-3), targetEndDate: day(3) },
      { id: "ship", name: "Ship", startDate: day(4), targetEndDate: day(10) },
    ],
    tasks: [
      {
        id: "z",
        phaseId: "done",
        name: "Z",
        priority: "low",
        estimatedHours: 1,
        status: "completed",
        startDate: `${day(-15)}T09:00:00.000Z`,
        endDate: `${day(-12)}T17:00:00.000Z`,
      },
      { id: "a", phaseId: "build", name: "A", priority: "medium", estimatedHours: 4 },
      {
        id: "b",
        phaseId: "build",
        name: "B",
        priority: "high",
        estimatedHours: 2,
        dependencies: ["a"],
      },
      {
        id: "c",
        phaseId: "ship",
        name: "C",
        priority: "high",
        estimatedHours: 8,
        dependencies: ["a", "b"],
      },
      { id: "d", phaseId: "build", name: "D", priority: "low", estimatedHours: 1 },
    ],
  };
}

/** Imports `plan` as the user with `headers` and returns the new plan's id. */
export async function importAs(
  app: TestApp,
  headers: Record<string, string>,
  plan: unknown = smallPlan(),
): Promise<string> {
  const body = await app.graphql(
    "mutation ($plan: JSON!) { importPlan(input: { plan: $plan }) { id } }",
    { plan },
    headers,
  );
  return (dataOf(body).importPlan as { id: string }).id;
}

/** A plan of `phases` × `perPhase` tasks; task i needs tasks i-1 and i-7. */
export function largePlan(phases = 20, perPhase = 100): Record<string, unknown> {
  const day = (n: number) => new Date(Date.UTC(2026, 0, 1 + n)).toISOString().slice(0, 10);
  const tasks = [];
  for (let i = 0; i < phases * perPhase; i++) {
    tasks.push({
      id: `t${i}`,
      phaseId: `p${Math.floor(i / perPhase)}`,
      name: `Task ${i}`,
      priority: ["high", "medium", "low"][i % 3],
      estimatedHours: (i % 17) + 1,
      dependencies: [i - 1, i - 7].filter((d) => d >= 0).map((d) => `t${d}`),
    });
  }
  return {
    name: "Large plan",
    phases: Array.from({ length: phases }, (_, p) => ({
      id: `p${p}`,
      name: `Phase ${p}`,
      startDate: day(p * 7),
      targetEndDate: day(p * 7 + 7),
    })),
    tasks,
  };
}
