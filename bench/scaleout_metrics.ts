/**
 * The scale-out counters of every replica's `/metrics`, scraped before and
 * after a scenario, and the placement of runs on replicas from their
 * `agent_start` log lines.
 *
 * @module
 */
import type { Cluster, Replica } from "../tests/support/replicas.ts";

/** Counters summed over the scraped replicas. */
export interface Counters {
  /** `database_query_duration_seconds_count`, every `query_type`. */
  statements: number;
  /** The same, by `query_type`. */
  byType: Record<string, number>;
  /** `database_query_duration_seconds_sum` by `query_type`. */
  secondsByType: Record<string, number>;
  /** `run_event_log_writes_total`: statements that wrote a batch of events (and sent its NOTIFYs). */
  logWrites: number;
  /** `run_events_logged_total`. */
  eventsLogged: number;
  /** `run_event_notifications_total`: NOTIFYs sent (one per run per batch, or more past 8000 bytes). */
  notifications: number;
  /** `agent_runs_resumed_total`. */
  resumed: number;
}

const NAMES: Record<
  string,
  keyof Omit<Counters, "byType" | "secondsByType" | "statements">
> = {
  run_event_log_writes_total: "logWrites",
  run_events_logged_total: "eventsLogged",
  run_event_notifications_total: "notifications",
  agent_runs_resumed_total: "resumed",
};

/** Parses the counters out of one Prometheus text exposition. */
export function parseCounters(text: string): Counters {
  const counters: Counters = {
    statements: 0,
    byType: {},
    secondsByType: {},
    logWrites: 0,
    eventsLogged: 0,
    notifications: 0,
    resumed: 0,
  };
  for (const line of text.split("\n")) {
    if (line.startsWith("#") || line.length === 0) continue;
    const match = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!match) continue;
    const [, name, labels = "", raw] = match;
    const value = Number(raw);
    if (name === "database_query_duration_seconds_count") {
      const type = /query_type="([^"]*)"/.exec(labels)?.[1] ?? "other";
      counters.statements += value;
      counters.byType[type] = (counters.byType[type] ?? 0) + value;
    } else if (name === "database_query_duration_seconds_sum") {
      const type = /query_type="([^"]*)"/.exec(labels)?.[1] ?? "other";
      counters.secondsByType[type] = (counters.secondsByType[type] ?? 0) + value;
    } else if (name !== undefined && name in NAMES) {
      counters[NAMES[name]!] += value;
    }
  }
  return counters;
}

/** Scrapes `/metrics` of each live replica; a killed one counts as zero. */
export async function scrape(replicas: Replica[]): Promise<Counters[]> {
  return await Promise.all(replicas.map(async (replica) => {
    if (replica.killedAt !== undefined) return parseCounters("");
    const response = await fetch(`${replica.url}/metrics`);
    if (!response.ok) throw new Error(`GET /metrics on ${replica.name}: ${response.status}`);
    return parseCounters(await response.text());
  }));
}

/** `after - before`, summed over replicas (same order). */
export function delta(before: Counters[], after: Counters[]): Counters {
  const total = parseCounters("");
  after.forEach((a, i) => {
    const b = before[i] ?? parseCounters("");
    total.statements += a.statements - b.statements;
    total.logWrites += a.logWrites - b.logWrites;
    total.eventsLogged += a.eventsLogged - b.eventsLogged;
    total.notifications += a.notifications - b.notifications;
    total.resumed += a.resumed - b.resumed;
    for (const [type, value] of Object.entries(a.byType)) {
      total.byType[type] = (total.byType[type] ?? 0) + value - (b.byType[type] ?? 0);
    }
    for (const [type, value] of Object.entries(a.secondsByType)) {
      total.secondsByType[type] = (total.secondsByType[type] ?? 0) + value -
        (b.secondsByType[type] ?? 0);
    }
  });
  return total;
}

/**
 * Resolves run ids to the replica that logged `agent_start` for them (the
 * first attempt), scanning each replica's log lines once, from where it
 * left off, every 10 ms, however many runs wait (the harness's
 * `executorOf` rescans every line per run, too slow for 100 runs at once).
 */
export function placements(cluster: Cluster): {
  of(runId: string, timeoutMs?: number): Promise<Replica>;
  stop(): void;
} {
  const seen = new Map<string, Replica>();
  const waiting = new Map<string, (replica: Replica) => void>();
  const scanned = new Map<Replica, number>();
  const timer = setInterval(() => {
    for (const replica of cluster.replicas) {
      const logs = replica.server.logs;
      for (let i = scanned.get(replica) ?? 0; i < logs.length; i++) {
        const entry = logs[i]!;
        if (entry.message !== "agent_start") continue;
        const runId = String(entry.run_id);
        if (seen.has(runId)) continue;
        seen.set(runId, replica);
        waiting.get(runId)?.(replica);
        waiting.delete(runId);
      }
      scanned.set(replica, logs.length);
    }
  }, 10);
  return {
    of(runId, timeoutMs = 60_000) {
      const known = seen.get(runId);
      if (known) return Promise.resolve(known);
      return new Promise((resolve, reject) => {
        const deadline = setTimeout(() => {
          waiting.delete(runId);
          reject(new Error(`No replica logged agent_start for run ${runId} in ${timeoutMs} ms.`));
        }, timeoutMs);
        waiting.set(runId, (replica) => {
          clearTimeout(deadline);
          resolve(replica);
        });
      });
    },
    stop: () => clearInterval(timer),
  };
}
