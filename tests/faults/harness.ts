// deno-lint-ignore-file no-explicit-any
/**
 * What the fault tests share: GraphQL over plain fetch against a server
 * process (the `development` profile's local user, so no token), the real
 * graphql-ws client, reading Prometheus counters, and the timing of a fault.
 *
 * @module
 */
import assert from "node:assert/strict";
import { waitFor } from "../support/replicas.ts";
import { createClient as createWsClient } from "graphql-ws";

/** A GraphQL response body and the HTTP status it came with. */
export interface GqlAnswer {
  status: number;
  data?: Record<string, any> | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

/** POSTs an operation; never throws on GraphQL errors (a test asserts on them). */
export async function request(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  options: { token?: string; timeoutMs?: number } = {},
): Promise<GqlAnswer> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const response = await fetch(`${url}/graphql`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/json",
      ...(options.token === undefined ? {} : { authorization: `Bearer ${options.token}` }),
    },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await response.text();
  try {
    return { status: response.status, ...JSON.parse(text) };
  } catch {
    throw new Error(`${url} answered ${response.status} with non-JSON: ${text.slice(0, 500)}`);
  }
}

/** POSTs an operation and throws with its errors; resolves with `data`. */
export async function gql(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  token?: string,
): Promise<Record<string, any>> {
  const answer = await request(url, query, variables, token === undefined ? {} : { token });
  if (answer.errors?.length || !answer.data) {
    throw new Error(`GraphQL errors (HTTP ${answer.status}): ${JSON.stringify(answer.errors)}`);
  }
  return answer.data;
}

/** The real graphql-ws client for a server, as `token`'s user (the local user without one). */
export function wsClient(url: string, token?: string) {
  return createWsClient({
    url: `${url.replace("http", "ws")}/graphql`,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    ...(token === undefined ? {} : { connectionParams: { authorization: `Bearer ${token}` } }),
  });
}

/** GET `/health/ready`: its status and body. */
export async function readiness(url: string): Promise<{ status: number; body: any }> {
  const response = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(10_000) });
  return { status: response.status, body: await response.json() };
}

/**
 * Waits until `/health/ready` answers 503 with `dependency` failing; returns
 * that dependency's check (its `errorClass`, its sentence).
 */
export async function waitUntilNotReady(
  url: string,
  dependency: "database" | "cache",
): Promise<{ status: string; errorClass?: string; error?: string }> {
  const notReady = await waitFor(
    async () => {
      const r = await readiness(url);
      return r.status === 503 && r;
    },
    15_000,
    "/health/ready to answer 503",
  );
  const check = notReady.body.checks?.find((c: { name: string }) => c.name === dependency);
  assert.equal(check?.status, "error", JSON.stringify(notReady.body));
  return check;
}

/** Sums every sample of `name` in `/metrics` whose labels include `labels`. */
export async function metric(
  url: string,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  let total = 0;
  for (const line of text.split("\n")) {
    const match = line.match(/^([a-zA-Z_:][\w:]*)(\{[^}]*\})?\s+(\S+)/);
    if (!match || match[1] !== name) continue;
    const rendered = match[2] ?? "";
    if (Object.entries(labels).every(([k, v]) => rendered.includes(`${k}="${v}"`))) {
      total += Number(match[3]);
    }
  }
  return total;
}

/** The error codes in an answer, in order. */
export function codes(answer: GqlAnswer): unknown[] {
  return (answer.errors ?? []).map((e) => e.extensions?.code);
}

/** Milliseconds since `start` (a `performance.now()`), rounded. */
export function since(start: number): number {
  return Math.round(performance.now() - start);
}

/** Prints one figure line for the reliability table, prefixed so it is easy to grep. */
export function figure(fault: string, figures: Record<string, unknown>): void {
  console.log(`[reliability] ${fault}: ${JSON.stringify(figures)}`);
}

/** SIGTERM, then SIGKILL after `graceMs`, so a wedged server cannot hang the test's cleanup. */
export async function stopServer(
  server: { stop(signal?: Deno.Signal): Promise<number> },
  graceMs = 10_000,
): Promise<number> {
  const stopped = server.stop("SIGTERM");
  const timer = setTimeout(() => server.stop("SIGKILL").catch(() => {}), graceMs);
  try {
    return await stopped;
  } finally {
    clearTimeout(timer);
  }
}

/** With `FAULTS_DEBUG=1`, writes a server's log lines to `$TMPDIR/gm-faults-<name>.jsonl`. */
export async function dumpLogs(
  name: string,
  server: { logs: Record<string, unknown>[]; stderr(): string },
): Promise<void> {
  if (Deno.env.get("FAULTS_DEBUG") !== "1") return;
  const path = `${Deno.env.get("TMPDIR") ?? "/tmp"}/gm-faults-${name}.jsonl`;
  await Deno.writeTextFile(
    path,
    server.logs.map((l) => JSON.stringify(l)).join("\n") + "\n" + server.stderr(),
  );
  console.log(`server logs: ${path}`);
}

/**
 * `Deno.test`'s `ignore` for a fault test that needs what `reason` says is
 * missing: skipped with a warning off CI; with `CI=true` it runs and fails
 * on the reason, so a broken CI machine cannot pass by skipping.
 */
export function skipUnless(fault: string, reason: string | undefined): boolean {
  if (reason === undefined) return false;
  if (Deno.env.get("CI") === "true") return false;
  console.warn(`Skipping the ${fault} fault test: ${reason}`);
  return true;
}
