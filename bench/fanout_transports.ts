/**
 * The fan-out candidates the scale-out issue names, each as a publisher (the
 * replica running the runs) and a subscriber (any other replica), so
 * `bench/fanout.ts` can drive them the same way:
 *
 * - `pg-notify`: postgres.js `sql.notify` per run batch, nothing stored;
 * - `pg-log+notify`: one statement per flush, `INSERT` of every pending event
 *   into a `run_events` log plus one `pg_notify` per run batch in the same
 *   statement (one commit carries both); `pg-log+notify/run` is the same,
 *   one statement (one commit) per run batch; `pg-batchlog+notify` logs one
 *   row per run batch (its events as a JSON array) instead of one per event;
 * - `upstash`: `@upstash/redis` `publish` (auto-pipelined) through the Redis
 *   proxy, received with `psubscribe` over SSE;
 * - `redis`: raw `PUBLISH` / `PSUBSCRIBE` on Redis, the floor.
 *
 * Every subscriber receives every run (one channel, or one pattern, per
 * replica), the shape a replica needs when any of its clients may watch any run.
 *
 * @module
 */
import postgres from "postgres";
import { Redis } from "@upstash/redis";
import { RedisConnection } from "../src/redis_proxy/redis_connection.ts";
import { createRedisPool } from "../src/redis_proxy/redis_pool.ts";

/** A `TokenEvent` as the API streams it, plus the epoch ms it was emitted at. */
export interface TokenEvent {
  __typename: "TokenEvent";
  id: string;
  runId: string;
  sequence: number;
  at: string;
  text: string;
  messageId: string;
  node: string;
  emittedAt: number;
}

/** One run's events since its last flush: one fan-out message. */
export interface Batch {
  runId: string;
  events: TokenEvent[];
}

/** The transports benchmarked. */
export type TransportName =
  | "pg-notify"
  | "pg-log+notify"
  | "pg-log+notify/run"
  | "pg-batchlog+notify"
  | "upstash"
  | "redis";

/** Where the servers are; `prefix` keeps concurrent benchmarks apart. */
export interface TransportConfig {
  name: TransportName;
  prefix: string;
  databaseUrl: string;
  proxyUrl: string;
  proxyToken: string;
}

/** The publishing side. */
export interface Publisher {
  publish(batches: Batch[]): Promise<void>;
  /** Fan-out messages sent (a NOTIFY or a PUBLISH). */
  readonly messages: number;
  /** Database statements or HTTP requests sent. */
  readonly requests: number;
  /** Bytes of message payloads sent. */
  readonly bytes: number;
  close(): Promise<void>;
}

/** The receiving side. */
export interface Subscriber {
  close(): Promise<void>;
}

/** Tokens per run left out of the latencies: the first 200 ms, while the JIT warms up. */
export const WARMUP_TOKENS = 40;

/** NOTIFY payloads must stay under 8000 bytes; keep a margin. */
export const NOTIFY_LIMIT = 7900;
const encoder = new TextEncoder();

/** The ms epoch time with sub-millisecond precision, comparable across processes. */
export function epochMs(): number {
  return performance.timeOrigin + performance.now();
}

/** Splits a batch into payloads that each fit under `limit` bytes. */
export function payloads(batch: Batch, limit = NOTIFY_LIMIT): string[] {
  const whole = JSON.stringify(batch);
  if (encoder.encode(whole).length <= limit || batch.events.length === 1) return [whole];
  const half = Math.ceil(batch.events.length / 2);
  return [
    ...payloads({ runId: batch.runId, events: batch.events.slice(0, half) }, limit),
    ...payloads({ runId: batch.runId, events: batch.events.slice(half) }, limit),
  ];
}

function channelOf(config: TransportConfig, runId: string): string {
  return `${config.prefix}run:${runId}`;
}

/** Opens the publishing side of a transport. */
export async function openPublisher(config: TransportConfig): Promise<Publisher> {
  let messages = 0;
  let requests = 0;
  let bytes = 0;
  /** Counts what `publish` sent: the payloads it returns. */
  const counted = (
    publish: (batches: Batch[]) => Promise<string[]>,
    close: () => Promise<void>,
  ) => ({
    async publish(batches: Batch[]) {
      const sent = await publish(batches);
      messages += sent.length;
      for (const payload of sent) bytes += payload.length;
    },
    get bytes() {
      return bytes;
    },
    get messages() {
      return messages;
    },
    get requests() {
      return requests;
    },
    close,
  });

  if (config.name.startsWith("pg-")) {
    const sql = postgres(config.databaseUrl, { max: 4, onnotice: () => {} });
    await sql`select 1`;
    const channel = `${config.prefix}run_events`.replaceAll(/\W/g, "_");
    const logAndNotify = async (batches: Batch[]) => {
      const notes = batches.flatMap((b) => payloads(b));
      requests++;
      // Two JSON texts as parameters: Postgres parses them, and the client only
      // stringifies (no array literals to escape).
      await sql`
        with inserted as (
          insert into run_events (run_id, sequence, event)
          select e->>'runId', (e->>'sequence')::int, e
          from jsonb_array_elements(${
        JSON.stringify(batches.flatMap((b) => b.events))
      }::text::jsonb) e
        )
        select pg_notify(${channel}, payload)
        from jsonb_array_elements_text(${JSON.stringify(notes)}::text::jsonb) payload`;
      return notes;
    };
    const close = () => sql.end({ timeout: 1 });
    if (config.name === "pg-log+notify") return counted(logAndNotify, close);
    if (config.name === "pg-batchlog+notify") {
      return counted(async (batches) => {
        const notes = batches.flatMap((b) => payloads(b));
        requests++;
        await sql`
          with inserted as (
            insert into run_event_batches (run_id, first_sequence, last_sequence, events)
            select b->>'runId', (b->'events'->0->>'sequence')::int,
              (b->'events'->-1->>'sequence')::int, b->'events'
            from jsonb_array_elements(${JSON.stringify(batches)}::text::jsonb) b
          )
          select pg_notify(${channel}, payload)
          from jsonb_array_elements_text(${JSON.stringify(notes)}::text::jsonb) payload`;
        return notes;
      }, close);
    }
    if (config.name === "pg-log+notify/run") {
      return counted(async (batches) => {
        return (await Promise.all(batches.map((b) => logAndNotify([b])))).flat();
      }, close);
    }
    return counted(async (batches) => {
      // Runs in parallel; a run's own payloads in order, or they could commit out of order.
      const sent = await Promise.all(batches.map(async (batch) => {
        const notes = payloads(batch);
        for (const note of notes) await sql.notify(channel, note);
        return notes;
      }));
      requests += sent.flat().length;
      return sent.flat();
    }, close);
  }

  if (config.name === "upstash") {
    const redis = new Redis({
      url: config.proxyUrl,
      token: config.proxyToken,
      enableTelemetry: false,
    });
    const before = () => (redis as unknown as { pipelineCounter?: number }).pipelineCounter ?? 0;
    const start = before();
    return counted(async (batches) => {
      const texts = batches.map((b) => JSON.stringify(b));
      // Strings go out as they are; the subscriber's client parses them as JSON.
      await Promise.all(batches.map((b, i) => redis.publish(channelOf(config, b.runId), texts[i])));
      requests = before() - start;
      return texts;
    }, () => Promise.resolve());
  }

  const url = new URL("redis://127.0.0.1:6379");
  const pool = createRedisPool({
    hostname: url.hostname,
    port: Number(url.port),
    maxConnections: 4,
  });
  return counted(async (batches) => {
    requests++;
    const texts = batches.map((b) => JSON.stringify(b));
    await pool.exec(batches.map((b, i) => ["PUBLISH", channelOf(config, b.runId), texts[i]!]));
    return texts;
  }, () => pool.close());
}

/** Opens the receiving side of a transport; resolves once it is subscribed. */
export async function openSubscriber(
  config: TransportConfig,
  onBatch: (batch: Batch) => void,
): Promise<Subscriber> {
  if (config.name.startsWith("pg-")) {
    const sql = postgres(config.databaseUrl, { max: 1, onnotice: () => {} });
    const channel = `${config.prefix}run_events`.replaceAll(/\W/g, "_");
    await sql.listen(channel, (payload) => onBatch(JSON.parse(payload)));
    return { close: () => sql.end({ timeout: 1 }) };
  }

  const pattern = `${config.prefix}run:*`;
  if (config.name === "upstash") {
    const redis = new Redis({
      url: config.proxyUrl,
      token: config.proxyToken,
      enableTelemetry: false,
    });
    const subscriber = redis.psubscribe<Batch>(pattern);
    await new Promise<void>((resolve, reject) => {
      subscriber.on("psubscribe", () => resolve());
      subscriber.on("error", reject);
    });
    subscriber.on("pmessage", ({ message }) => onBatch(message));
    return { close: () => subscriber.unsubscribe() };
  }

  const connection = await RedisConnection.open({ hostname: "127.0.0.1", port: 6379 });
  await connection.exec([["PSUBSCRIBE", pattern]]);
  const decoder = new TextDecoder();
  void (async () => {
    try {
      while (true) {
        const push = await connection.read();
        if (Array.isArray(push) && push.length === 4) {
          onBatch(JSON.parse(decoder.decode(push[3] as Uint8Array)));
        }
      }
    } catch {
      // Closed.
    }
  })();
  return {
    close() {
      connection.close();
      return Promise.resolve();
    },
  };
}
