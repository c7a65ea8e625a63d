/**
 * One subscribing "replica" for `bench/fanout.ts`, run as a process of its
 * own: `deno run -A bench/fanout_replica.ts '<json>'` with
 * `{config, expected}`. It subscribes, prints `ready`, records each token's
 * latency (receipt minus emit, epoch ms), and prints one JSON line of
 * results when it has every expected token or when its stdin closes.
 *
 * @module
 */
import process from "node:process";
import {
  type Batch,
  epochMs,
  openSubscriber,
  type TransportConfig,
  WARMUP_TOKENS,
} from "./fanout_transports.ts";

/** What a replica reports. */
export interface ReplicaReport {
  latencies: number[];
  unique: number;
  duplicates: number;
  outOfOrder: number;
  messages: number;
  cpuMs: number;
}

async function main(): Promise<void> {
  const { config, expected } = JSON.parse(Deno.args[0]!) as {
    config: TransportConfig;
    expected: number;
  };
  const latencies: number[] = [];
  const lastSequence = new Map<string, number>();
  const seen = new Set<string>();
  let duplicates = 0;
  let outOfOrder = 0;
  let messages = 0;
  let cpu = process.cpuUsage();
  let reported = false;

  function report(): void {
    if (reported) return;
    reported = true;
    const used = process.cpuUsage(cpu);
    const result: ReplicaReport = {
      latencies,
      unique: seen.size,
      duplicates,
      outOfOrder,
      messages,
      cpuMs: (used.user + used.system) / 1000,
    };
    console.log(JSON.stringify(result));
    Deno.exit(0);
  }

  function onBatch(batch: Batch): void {
    const now = epochMs();
    messages++;
    for (const event of batch.events) {
      if (event.sequence > WARMUP_TOKENS) {
        latencies.push(Math.round((now - event.emittedAt) * 100) / 100);
      }
      if (seen.has(event.id)) duplicates++;
      seen.add(event.id);
      if (event.sequence <= (lastSequence.get(event.runId) ?? 0)) outOfOrder++;
      lastSequence.set(event.runId, event.sequence);
    }
    if (seen.size >= expected) report();
  }

  await openSubscriber(config, onBatch);
  cpu = process.cpuUsage();
  console.log("ready");
  // Stdin closing means the publisher gave up waiting: report what arrived.
  for await (const _ of Deno.stdin.readable) { /* drain */ }
  report();
}

if (import.meta.main) await main();
