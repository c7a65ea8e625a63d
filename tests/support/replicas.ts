// deno-lint-ignore-file no-explicit-any
/**
 * A multi-replica cluster for scale-out tests: a throwaway database on the
 * local PostgreSQL, the Upstash proxy (in-process) in front of the local
 * Redis, the mock OpenAI server, and N real server processes
 * (`src/main.ts`, as `deno task start` runs it) sharing one environment, so
 * any replica may serve any request. Users authenticate with JWTs (the
 * `staging` profile); the clients are plain fetch, the real graphql-sse and
 * the real graphql-ws.
 *
 * @example
 * ```ts
 * const cluster = await startCluster({ mock: { tokens: 20, tokenDelayMs: 5 } });
 * const [a, b] = cluster.replicas;
 * const threadId = (await a.gql("alice", "mutation { createThread(input: {}) { id } }"))
 *   .createThread.id;
 * await cluster.close();
 * ```
 * @module
 */
import { createClient as createSseClient } from "graphql-sse";
import { type Client as WsClient, createClient as createWsClient } from "graphql-ws";
import { signJwt } from "../../src/auth/jwt.ts";
import {
  createThrowawayDatabase,
  localPostgres,
  type ThrowawayDatabase,
} from "./local_postgres.ts";
import { type MockOpenAI, type MockOpenAIOptions, startMockOpenAI } from "./mock_openai.ts";
import { redis, type ServedProxy, serveProxy } from "./redis_proxy.ts";
import { type ServerProcess, startServer } from "./server_process.ts";
import { type RoundRobinProxy, startRoundRobinProxy } from "./round_robin_proxy.ts";

/** The JWT secret every replica of every test cluster shares. */
export const CLUSTER_SECRET = "scaleout-test-secret-0123456789";

/** Whether the cluster can start here; pass `ignore` to `Deno.test`. */
export const clusterServices = await (async () => {
  const postgres = await localPostgres();
  const reasons = [postgres.reason, redis.reason].filter((r) => r !== undefined);
  return {
    ignore: postgres.ignore || redis.ignore,
    reason: reasons.length === 0 ? undefined : reasons.join("; "),
  };
})();

/** Settings of {@linkcode startCluster}. */
export interface ClusterOptions {
  /** Server processes. Default 3. */
  replicas?: number;
  /** Extra environment for every replica (overrides the defaults). */
  env?: Record<string, string>;
  /** Options of the mock OpenAI server; `false` runs the offline model and embedder. */
  mock?: MockOpenAIOptions | false;
}

/** A GraphQL response body. */
export interface GraphQLResult {
  data?: Record<string, any> | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

/** One server process of the cluster. */
export interface Replica {
  /** "A", "B", "C", ... */
  name: string;
  index: number;
  server: ServerProcess;
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** `http://…/graphql`. */
  graphqlUrl: string;
  /** `ws://…/graphql`. */
  wsUrl: string;
  /** Epoch ms of `kill()`, once killed. */
  killedAt?: number;
  /** POSTs an operation as `user`; the whole body, errors included. */
  request(user: string, query: string, variables?: Record<string, unknown>): Promise<GraphQLResult>;
  /** POSTs an operation as `user` and throws with the errors, naming the replica. */
  gql(
    user: string,
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<Record<string, any>>;
  /** `kill -9`: no graceful shutdown, no lease release. */
  kill(): Promise<void>;
}

/** A log line and the replica that wrote it. */
export interface ReplicaLog {
  replica: string;
  entry: Record<string, any>;
}

/** A running cluster. */
export interface Cluster {
  replicas: Replica[];
  /** The mock OpenAI server; undefined with `mock: false`. */
  mock: MockOpenAI | undefined;
  database: ThrowawayDatabase;
  redisProxy: ServedProxy;
  /** The environment every replica got. */
  env: Record<string, string>;
  /** A bearer token for `user` (admins get the `admin` role). */
  token(user: string): Promise<string>;
  /** The real graphql-sse client (distinct connections) for `url` as `user`. */
  sse(
    url: string,
    user: string,
    fetchFn?: typeof fetch,
  ): Promise<ReturnType<typeof createSseClient>>;
  /** The real graphql-ws client for `wsUrl` as `user`. */
  ws(wsUrl: string, user: string): Promise<WsClient>;
  /** Starts one more replica with the same environment (as an orchestrator replaces a dead pod). */
  addReplica(): Promise<Replica>;
  /** A round-robin TCP proxy in front of the live replicas; closed with the cluster. */
  balancer(): RoundRobinProxy;
  /** Every log line of every replica whose `message` (or `event`) is `message`. */
  logs(message: string): ReplicaLog[];
  /** Stops every replica (SIGTERM, then SIGKILL after 5 s), the proxies and the mock; drops the DB. */
  close(): Promise<void>;
}

/** Users whose tokens carry the `admin` role. */
const ADMINS = new Set(["admin"]);

/**
 * One cluster at a time on this machine, across test processes: the suite
 * runs files in parallel on two cores, and two clusters at once (six or
 * more servers plus their load) starve each other past the very timings
 * these tests assert (cancel within 1 s, a prompt upload). An advisory
 * lock on a file, released on close or when the process dies.
 */
async function clusterLock(): Promise<Deno.FsFile> {
  const dir = Deno.env.get("TMPDIR") ?? "/tmp";
  const file = await Deno.open(`${dir}/graphmind-scaleout-cluster.lock`, {
    create: true,
    write: true,
  });
  await file.lock(true);
  return file;
}

/** Starts a cluster. Close it with `await cluster.close()`, also when a test fails. */
export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  const count = options.replicas ?? 3;
  const lock = await clusterLock();
  let database: ThrowawayDatabase;
  try {
    database = await createThrowawayDatabase();
  } catch (error) {
    lock.close();
    throw error;
  }
  const redisProxy = serveProxy();
  const mock = options.mock === false ? undefined : await startMockOpenAI(options.mock ?? {});
  const env: Record<string, string> = {
    ENVIRONMENT: "staging",
    SECRET_KEY: CLUSTER_SECRET,
    LOG_LEVEL: "info",
    DATABASE_URL: database.url,
    // Three replicas per test file, several files at once, one Postgres with 100 connections
    // (the whole suite shares it).
    DB_POOL_SIZE: "3",
    UPSTASH_REDIS_REST_URL: redisProxy.url,
    UPSTASH_REDIS_REST_TOKEN: redisProxy.token,
    // Long enough that a replica starved of CPU (two cores, many processes) keeps its leases;
    // the kill test sets a short one.
    RUN_LEASE_SECONDS: "15",
    MAX_CONCURRENT_AGENTS: "50",
    WS_MAX_CONNECTIONS_PER_IP: "10000",
    // Reflection would take chat replies the tests script for their runs.
    ENABLE_MEMORY: "false",
    MEMORY_REFLECTION_DELAY_MS: "600000",
    ...(mock === undefined ? {} : { OPENAI_API_KEY: "sk-mock", OPENAI_BASE_URL: mock.url }),
    ...options.env,
  };
  const balancers: RoundRobinProxy[] = [];
  const tokens = new Map<string, string>();
  const replicas: Replica[] = [];

  async function token(user: string): Promise<string> {
    let value = tokens.get(user);
    if (value === undefined) {
      value = await signJwt(
        { sub: user, roles: ADMINS.has(user) ? ["admin"] : [] },
        CLUSTER_SECRET,
        { expiresInSeconds: 3600 },
      );
      tokens.set(user, value);
    }
    return value;
  }

  function replicaOf(server: ServerProcess): Replica {
    const index = replicas.length;
    const name = String.fromCharCode(65 + index);
    const replica: Replica = {
      name,
      index,
      server,
      url: server.url,
      graphqlUrl: `${server.url}/graphql`,
      wsUrl: `${server.url.replace("http", "ws")}/graphql`,
      async request(user, query, variables = {}) {
        const response = await fetch(replica.graphqlUrl, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            authorization: `Bearer ${await token(user)}`,
          },
          body: JSON.stringify({ query, variables }),
        });
        const text = await response.text();
        try {
          return JSON.parse(text);
        } catch {
          throw new Error(`Replica ${name} answered ${response.status} with non-JSON: ${text}`);
        }
      },
      async gql(user, query, variables = {}) {
        const body = await replica.request(user, query, variables);
        if (body.errors?.length || !body.data) {
          throw new Error(
            `Replica ${name} answered with errors: ${JSON.stringify(body.errors ?? body)}`,
          );
        }
        return body.data;
      },
      async kill() {
        replica.killedAt = Date.now();
        await server.stop("SIGKILL");
      },
    };
    return replica;
  }

  async function stopAll(): Promise<void> {
    await Promise.all(replicas.map((replica) => stopGently(replica.server)));
  }

  try {
    // Migrations take a lock, so concurrent starts are safe; the first one migrates.
    const servers = await Promise.all(
      Array.from({ length: count }, () => startServer(env, { timeoutMs: 90_000 })),
    );
    servers.forEach((server) => replicas.push(replicaOf(server)));
  } catch (error) {
    await stopAll();
    await mock?.close();
    await redisProxy.close();
    await database.drop();
    lock.close();
    throw error;
  }

  return {
    replicas,
    mock,
    database,
    redisProxy,
    env,
    token,
    async sse(url, user, fetchFn) {
      return createSseClient({
        url,
        headers: { authorization: `Bearer ${await token(user)}` },
        retryAttempts: 0,
        ...(fetchFn === undefined ? {} : { fetchFn }),
      });
    },
    async ws(wsUrl, user) {
      return createWsClient({
        url: wsUrl,
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        connectionParams: { authorization: `Bearer ${await token(user)}` },
      });
    },
    async addReplica() {
      const replica = replicaOf(await startServer(env, { timeoutMs: 90_000 }));
      replicas.push(replica);
      return replica;
    },
    balancer() {
      const proxy = startRoundRobinProxy(replicas.map((r) => ({ port: r.server.port })));
      balancers.push(proxy);
      return proxy;
    },
    logs(message) {
      return replicas.flatMap((replica) =>
        replica.server.logs
          .filter((entry) => entry.message === message || entry.event === message)
          .map((entry) => ({ replica: replica.name, entry: entry as Record<string, any> }))
      );
    },
    async close() {
      await Promise.all(balancers.map((b) => b.close()));
      await stopAll();
      await mock?.close();
      await redisProxy.close();
      await database.drop();
      lock.close();
    },
  };
}

async function stopGently(server: ServerProcess): Promise<void> {
  const stopped = server.stop("SIGTERM");
  const timer = setTimeout(() => server.stop("SIGKILL").catch(() => {}), 5000);
  try {
    await stopped;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Polls `probe` every 20 ms until it returns something other than
 * `undefined`/`false`, and resolves with it; rejects naming `what` after
 * `timeoutMs`. For conditions with no event to wait on, such as log lines.
 */
export async function waitFor<T>(
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs: number,
  what: string | (() => string),
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) {
      throw new Error(
        `Timed out after ${timeoutMs} ms waiting for ${typeof what === "string" ? what : what()}.`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The fields the scale-out tests select on every run event. */
export const EVENT_FIELDS = `__typename id runId sequence at
  ... on TokenEvent { text messageId node }
  ... on MessageEvent { node message { id role content } }
  ... on RunStatusEvent { status error }`;

/** `runEvents(runId, after)` with {@linkcode EVENT_FIELDS}. */
export const RUN_EVENTS = `subscription($runId: ID!, $after: Int) {
  runEvents(runId: $runId, after: $after) { ${EVENT_FIELDS} } }`;

/** `chat(input)` with {@linkcode EVENT_FIELDS}. */
export const CHAT = `subscription($input: SendMessageInput!) {
  chat(input: $input) { ${EVENT_FIELDS} } }`;

/** A run event as the tests read it. */
export type RunEvent = Record<string, any> & {
  __typename: string;
  sequence: number;
};

/** Statuses that end a run. */
export const TERMINAL = new Set(["SUCCESS", "ERROR", "CANCELLED", "INTERRUPTED"]);

/** True once `event` is a RunStatusEvent with a terminal status. */
export function isTerminal(event: RunEvent | undefined): boolean {
  return event?.__typename === "RunStatusEvent" && TERMINAL.has(event.status);
}

/** What {@linkcode readStream} collected. */
export interface StreamRead {
  events: RunEvent[];
  /** How it ended: the subscription completed, `stop` said so, or the time ran out. */
  ended: "completed" | "stopped" | "timeout";
  /** Set when the subscription errored (the message), e.g. a dropped connection. */
  error?: string;
}

/**
 * Reads a graphql-sse or graphql-ws subscription (`client.iterate(...)`)
 * into events until it completes, `stop(events)` is true, or `timeoutMs`
 * passes; never hangs and never throws: a test asserts on what it got.
 */
export async function readStream(
  iterable: AsyncIterable<{ data?: unknown; errors?: unknown }>,
  field: string,
  options: {
    timeoutMs: number;
    stop?: (events: RunEvent[]) => boolean;
    /** Called with each event as it arrives (the array so far included). */
    onEvent?: (event: RunEvent, events: RunEvent[]) => void;
  },
): Promise<StreamRead> {
  const events: RunEvent[] = [];
  const iterator = iterable[Symbol.asyncIterator]();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), options.timeoutMs);
  });
  try {
    for (;;) {
      const next = await Promise.race([iterator.next(), timeout]);
      if (next === "timeout") return { events, ended: "timeout" };
      if (next.done) return { events, ended: "completed" };
      const result = next.value;
      if (result.errors) {
        return { events, ended: "completed", error: JSON.stringify(result.errors) };
      }
      const event = (result.data as Record<string, RunEvent>)[field]!;
      events.push(event);
      options.onEvent?.(event, events);
      if (options.stop?.(events)) return { events, ended: "stopped" };
    }
  } catch (error) {
    return {
      events,
      ended: "completed",
      error: describeError(error),
    };
  } finally {
    clearTimeout(timer);
    // Ends the subscription (unsubscribes) without waiting on a stuck transport.
    void Promise.resolve(iterator.return?.()).catch(() => {});
  }
}

function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  // graphql-ws rejects with the socket's CloseEvent.
  const close = error as { code?: unknown; reason?: unknown };
  if (typeof close?.code === "number") return `socket closed ${close.code} ${close.reason ?? ""}`;
  // ...or with the socket's error event (a failed handshake, a reset).
  if (error instanceof Event) {
    return `socket ${error.type}${error instanceof ErrorEvent ? `: ${error.message}` : ""}`;
  }
  return JSON.stringify(error);
}

/** A short description of a stream for assertion messages. */
export function describeStream(read: StreamRead): string {
  const sequences = read.events.map((e) => e.sequence);
  const last = read.events.at(-1);
  return `${read.events.length} events (sequences ${
    compactRanges(sequences)
  }), ended ${read.ended}` +
    (last ? `, last ${last.__typename}${last.status ? ` ${last.status}` : ""}` : "") +
    (read.error ? `, error ${read.error}` : "");
}

/** "1-5,7,9-12" for [1,2,3,4,5,7,9,10,11,12]. */
export function compactRanges(numbers: number[]): string {
  if (numbers.length === 0) return "none";
  const parts: string[] = [];
  let start = numbers[0]!;
  let previous = start;
  for (const n of numbers.slice(1)) {
    if (n === previous + 1) {
      previous = n;
      continue;
    }
    parts.push(start === previous ? `${start}` : `${start}-${previous}`);
    start = previous = n;
  }
  parts.push(start === previous ? `${start}` : `${start}-${previous}`);
  return parts.join(",");
}

/** The token texts of `events`, in order. */
export function tokenTexts(events: RunEvent[]): string[] {
  return events.filter((e) => e.__typename === "TokenEvent").map((e) => e.text as string);
}

/** `[" t0", " t1", …]`: what the mock streams for an unscripted reply of `count` tokens. */
export function mockTokens(count: number): string[] {
  return Array.from({ length: count }, (_, i) => ` t${i}`);
}

/**
 * Checks that each run was executed by one replica at a time, from the
 * `agent_start` (fields `run_id`, `attempt`) and `job_start` (`job_id`) log
 * lines of every replica: a run's attempt starts once; a later attempt of
 * the same run starts only after the earlier attempt's replica was killed
 * (or logged `agent_error` for it); each attempt of a job starts once. Returns the problems found.
 */
export function doubleExecutions(cluster: Cluster): string[] {
  const problems: string[] = [];
  const starts = new Map<string, { replica: Replica; attempt: unknown; at: number }[]>();
  for (const replica of cluster.replicas) {
    for (const entry of replica.server.logs) {
      if (entry.message !== "agent_start" && entry.event !== "agent_start") continue;
      const runId = String(entry.run_id);
      const list = starts.get(runId) ?? [];
      list.push({ replica, attempt: entry.attempt, at: Date.parse(String(entry.timestamp)) });
      starts.set(runId, list);
    }
  }
  for (const [runId, list] of starts) {
    list.sort((a, b) => a.at - b.at);
    const attempts = list.map((s) => String(s.attempt));
    if (new Set(attempts).size !== attempts.length) {
      problems.push(
        `run ${runId}: agent_start ${list.length} times with attempts ${attempts.join(",")} on ${
          list.map((s) => s.replica.name).join(",")
        }`,
      );
      continue;
    }
    for (let i = 1; i < list.length; i++) {
      const earlier = list[i - 1]!;
      const later = list[i]!;
      const endedFirst = earlier.replica.server.logs.some((entry) =>
        entry.run_id === runId &&
        entry.message === "agent_error" &&
        Date.parse(String(entry.timestamp)) <= later.at
      );
      const diedFirst = earlier.replica.killedAt !== undefined &&
        earlier.replica.killedAt <= later.at;
      if (!endedFirst && !diedFirst) {
        problems.push(
          `run ${runId}: attempt ${later.attempt} started on ${later.replica.name} while ` +
            `attempt ${earlier.attempt} on ${earlier.replica.name} was still alive`,
        );
      }
    }
  }
  // A job may be retried (a new attempt) after a failure, but never start twice as one attempt.
  const jobs = new Map<string, string[]>();
  for (const replica of cluster.replicas) {
    for (const entry of replica.server.logs) {
      if (entry.message !== "job_start" && entry.event !== "job_start") continue;
      const key = `${entry.job_id} attempt ${entry.attempt ?? 1}`;
      jobs.set(key, [...(jobs.get(key) ?? []), replica.name]);
    }
  }
  for (const [key, names] of jobs) {
    if (names.length > 1) problems.push(`job ${key}: job_start on ${names.join(",")}`);
  }
  return problems;
}

/** `createThread` returning the id. */
export const CREATE_THREAD = "mutation { createThread(input: {}) { id } }";

/** `sendMessage` returning the run's id, thread and status. */
export const SEND_MESSAGE = `mutation($input: SendMessageInput!) {
  sendMessage(input: $input) { id threadId status } }`;

/** `run(id)` with what the tests check. */
export const RUN = `query($id: ID!) { run(id: $id) {
  id status error lastSequence startedAt endedAt } }`;

/** `cancelRun`. */
export const CANCEL_RUN = `mutation($input: CancelRunInput!) {
  cancelRun(input: $input) { id status error } }`;

/** A thread's messages, from its checkpoints. */
export const THREAD_MESSAGES = `query($id: ID!) { thread(id: $id) {
  id status messages { id role content } } }`;

/** Creates a thread through `replica` as `user` and returns its id. */
export async function createThread(replica: Replica, user: string): Promise<string> {
  return (await replica.gql(user, CREATE_THREAD)).createThread.id;
}

/** The replica that logged `agent_start` for the run (the latest attempt), once one has. */
export function executorOf(
  cluster: Cluster,
  runId: string,
  timeoutMs = 10_000,
): Promise<Replica> {
  return waitFor(
    () => {
      const starts = cluster.logs("agent_start").filter((l) => l.entry.run_id === runId);
      const latest = starts.sort((a, b) =>
        Date.parse(a.entry.timestamp) - Date.parse(b.entry.timestamp)
      ).at(-1);
      return latest && cluster.replicas.find((r) => r.name === latest.replica);
    },
    timeoutMs,
    `a replica to log agent_start for run ${runId}`,
  );
}

/** Polls `run(id)` through `replica` until `done(run)`; resolves with the run. */
export function waitForRun(
  replica: Replica,
  user: string,
  runId: string,
  done: (run: Record<string, any>) => boolean,
  timeoutMs: number,
): Promise<Record<string, any>> {
  let last: Record<string, any> | undefined;
  return waitFor(
    async () => {
      last = (await replica.gql(user, RUN, { id: runId })).run;
      return done(last!) ? last : undefined;
    },
    timeoutMs,
    () => `run ${runId} through ${replica.name} (last seen ${JSON.stringify(last)})`,
  );
}

/** Resolves once `run(id)` through `replica` is terminal. */
export function waitForEnd(
  replica: Replica,
  user: string,
  runId: string,
  timeoutMs: number,
): Promise<Record<string, any>> {
  return waitForRun(replica, user, runId, (run) => TERMINAL.has(run.status), timeoutMs);
}

/**
 * What is wrong with a stream's sequences: they must run 1 more than
 * `after`, grow by exactly 1, and end with a terminal RunStatusEvent.
 */
export function sequenceProblems(events: RunEvent[], after = 0): string[] {
  const problems: string[] = [];
  events.forEach((event, i) => {
    const expected = after + i + 1;
    if (event.sequence !== expected) {
      problems.push(
        `event ${i} (${event.__typename}) has sequence ${event.sequence}, not ${expected}`,
      );
    }
  });
  if (!isTerminal(events.at(-1))) problems.push("the last event is not a terminal RunStatusEvent");
  return problems.slice(0, 5);
}
