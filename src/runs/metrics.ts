/**
 * The agent metrics of the design document, plus streamed tokens and time to
 * first token, registered on the app's registry. Labelled by `agent_type`,
 * the agent's id, so the deploy dashboards can break them down.
 *
 * @module
 */
import { Counter, Gauge, Histogram, type Registry } from "prom-client";

/** The agent metrics. */
export interface AgentMetrics {
  requestsTotal: Counter<"agent_type" | "status">;
  responseTime: Histogram<"agent_type">;
  activeAgents: Gauge<"agent_type">;
  tokensStreamed: Counter<"agent_type">;
  timeToFirstToken: Histogram<"agent_type">;
  /** Statements that wrote a batch of run events to the durable log. */
  eventLogWrites: Counter;
  /** Run events written to the durable log. */
  eventsLogged: Counter;
  /** Fan-out notifications sent for run events (one per run per batch, or per 8000 bytes). */
  eventNotifications: Counter;
  /** Claims of a run whose previous holder stopped (attempt 2 or later). */
  runsResumed: Counter;
  /**
   * Streams ended because their subscriber stopped keeping up, by the limit
   * it passed: `lag_events` (SUBSCRIPTION_LAG_LIMIT_EVENTS, SSE) or
   * `buffer_bytes` (SUBSCRIPTION_BUFFER_LIMIT_BYTES, WebSocket).
   */
  slowSubscribers: Counter<"limit">;
}

/** Registers the agent metrics on `registry`. */
export function createAgentMetrics(registry: Registry): AgentMetrics {
  const registers = [registry];
  return {
    requestsTotal: new Counter({
      name: "agent_requests_total",
      help: "Agent runs by agent and final status.",
      labelNames: ["agent_type", "status"],
      registers,
    }),
    responseTime: new Histogram({
      name: "agent_response_time_seconds",
      help: "Agent run duration in seconds, from start to end, by agent.",
      labelNames: ["agent_type"],
      buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
      registers,
    }),
    activeAgents: new Gauge({
      name: "active_agents_count",
      help: "Agent runs executing now, by agent.",
      labelNames: ["agent_type"],
      registers,
    }),
    tokensStreamed: new Counter({
      name: "agent_tokens_streamed_total",
      help: "Model tokens streamed to run subscribers, by agent.",
      labelNames: ["agent_type"],
      registers,
    }),
    timeToFirstToken: new Histogram({
      name: "agent_time_to_first_token_seconds",
      help: "Seconds from a run's start to its first streamed token, by agent.",
      labelNames: ["agent_type"],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    eventLogWrites: new Counter({
      name: "run_event_log_writes_total",
      help: "Statements that wrote a batch of run events to the durable event log.",
      registers,
    }),
    eventsLogged: new Counter({
      name: "run_events_logged_total",
      help: "Run events written to the durable event log.",
      registers,
    }),
    eventNotifications: new Counter({
      name: "run_event_notifications_total",
      help: "Notifications that fanned run events out to other replicas.",
      registers,
    }),
    runsResumed: new Counter({
      name: "agent_runs_resumed_total",
      help: "Runs claimed again after the replica executing them stopped.",
      registers,
    }),
    slowSubscribers: new Counter({
      name: "graphmind_slow_subscribers_total",
      help: "Run streams ended because the subscriber stopped reading, by the limit it passed.",
      labelNames: ["limit"],
      registers,
    }),
  };
}
