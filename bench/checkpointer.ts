/**
 * Checkpoint write cost per super-step: one `put` (the new checkpoint and
 * the blob of the channel that changed) plus one `putWrites` (the task's
 * writes), as a LangGraph run does on every step. The state is a chat: a
 * `messages` channel of LangChain messages that grows by one message per
 * step, up to 50 per thread, then a new thread starts. Measured on embedded
 * PGlite (memory) and the local PostgreSQL (also with `synchronousCommit:
 * false`), with one writer and with ten threads writing at once.
 *
 * @module
 */
import { AIMessage, type BaseMessage, HumanMessage } from "@langchain/core/messages";
import type { RunnableConfig } from "@langchain/core/runnables";
import { emptyCheckpoint, uuid6 } from "@langchain/langgraph-checkpoint";
import { openDatabase } from "../src/db/client.ts";
import { migrate } from "../src/db/migrate.ts";
import { loadConfig } from "../src/config.ts";
import { createLogger } from "../src/observability/logger.ts";
import { createMetrics } from "../src/observability/metrics.ts";
import { createCheckpointer, type PostgresCheckpointer } from "../src/threads/checkpointer.ts";
import { createThrowawayDatabase, localPostgres } from "../tests/support/local_postgres.ts";

/** One row of the table. */
export interface CheckpointerRow {
  database: string;
  synchronousCommit: boolean;
  writers: number;
  superSteps: number;
  p50Ms: number;
  p99Ms: number;
  superStepsPerSecond: number;
  getTupleP50Ms: number;
}

const STEPS_PER_THREAD = 50;
const REPLY = "A reply of a few sentences, about as long as a chat answer usually is. ".repeat(4);

/** Runs `steps` super-steps per writer, `writers` threads at once. */
async function measure(
  checkpointer: PostgresCheckpointer,
  writers: number,
  steps: number,
): Promise<{ durations: number[]; elapsedMs: number; reads: number[] }> {
  const durations: number[] = [];
  const reads: number[] = [];
  const started = performance.now();
  await Promise.all(Array.from({ length: writers }, async () => {
    let config = newThread();
    let messages: BaseMessage[] = [];
    for (let step = 0; step < steps; step++) {
      if (step % STEPS_PER_THREAD === 0) [config, messages] = [newThread(), []];
      const reply = new AIMessage({ content: `${REPLY}${step}`, id: crypto.randomUUID() });
      messages = [...messages, new HumanMessage(`question ${step}`), reply];
      const version = checkpointer.getNextVersion(undefined);
      const checkpoint = {
        ...emptyCheckpoint(),
        id: uuid6(-1),
        channel_values: { messages },
        channel_versions: { messages: version },
      };
      const t0 = performance.now();
      config = await checkpointer.put(config, checkpoint, {
        source: "loop",
        step,
        parents: {},
      }, { messages: version });
      await checkpointer.putWrites(config, [["messages", [reply]]], `task-${step}`);
      durations.push(performance.now() - t0);
      if (step % 10 === 9) {
        const t1 = performance.now();
        await checkpointer.getTuple(config);
        reads.push(performance.now() - t1);
      }
    }
  }));
  return { durations, elapsedMs: performance.now() - started, reads };
}

function newThread(): RunnableConfig {
  return { configurable: { thread_id: crypto.randomUUID(), checkpoint_ns: "" } };
}

function percentile(sorted: number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return Math.round((sorted[Math.max(0, index)] ?? 0) * 100) / 100;
}

async function rows(
  label: string,
  env: Record<string, string>,
  synchronousCommit = true,
): Promise<CheckpointerRow[]> {
  const logger = createLogger({ level: "error", name: "bench", write: () => {} });
  const db = await openDatabase(loadConfig(env).database, { logger, metrics: createMetrics() });
  try {
    await migrate(db.sql, { logger });
    const checkpointer = createCheckpointer(db.sql, { synchronousCommit, ownerId: "bench" });
    await measure(checkpointer, 1, 30); // warm up: connections, prepared statements, JIT
    const out: CheckpointerRow[] = [];
    for (const [writers, steps] of [[1, 500], [10, 100]] as const) {
      const { durations, elapsedMs, reads } = await measure(checkpointer, writers, steps);
      durations.sort((a, b) => a - b);
      reads.sort((a, b) => a - b);
      out.push({
        database: label,
        synchronousCommit,
        writers,
        superSteps: durations.length,
        p50Ms: percentile(durations, 50),
        p99Ms: percentile(durations, 99),
        superStepsPerSecond: Math.round(durations.length / (elapsedMs / 1000)),
        getTupleP50Ms: percentile(reads, 50),
      });
    }
    return out;
  } finally {
    await db.close();
  }
}

/** Runs the checkpointer benchmark and returns its rows. */
export async function benchCheckpointer(): Promise<CheckpointerRow[]> {
  const out = await rows("embedded PGlite (memory)", { PGLITE_DATA_DIR: "memory://" });
  const local = await localPostgres();
  if (!local.available) {
    console.warn(`local PostgreSQL unavailable, skipping its rows: ${local.reason}`);
    return out;
  }
  const throwaway = await createThrowawayDatabase();
  try {
    const env = { DATABASE_URL: throwaway.url };
    out.push(...await rows("local PostgreSQL 15", env));
    out.push(...await rows("local PostgreSQL 15", env, false));
  } finally {
    await throwaway.drop();
  }
  return out;
}
