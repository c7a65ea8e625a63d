/**
 * The `health` query and the `heartbeat` subscription, which lets a client
 * check its subscription transport (SSE or WebSocket) end to end.
 *
 * @module
 */
import { builder } from "../graphql/builder.ts";
import { lowerCaseEnum } from "../graphql/enums.ts";
import type { DependencyCheck, ReadinessReport } from "./health.ts";
import { BadUserInputError } from "../core/errors.ts";
import { FAILURE_MESSAGES } from "../core/failure_class.ts";

const DependencyStatus = lowerCaseEnum(
  "DependencyStatus",
  "Whether a dependency answered its readiness check.",
  {
    OK: "It answered in time.",
    ERROR: "It failed or did not answer in time.",
  },
);

const DependencyFailure = lowerCaseEnum(
  "DependencyFailure",
  "Why a dependency failed its readiness check, as a class (the log has the full error).",
  {
    TIMEOUT: FAILURE_MESSAGES.timeout,
    REFUSED: FAILURE_MESSAGES.refused,
    DNS: FAILURE_MESSAGES.dns,
    UNREACHABLE: FAILURE_MESSAGES.unreachable,
    TLS: FAILURE_MESSAGES.tls,
    RESET: FAILURE_MESSAGES.reset,
    AUTH: FAILURE_MESSAGES.auth,
    UNAVAILABLE: FAILURE_MESSAGES.unavailable,
    OVERLOADED: FAILURE_MESSAGES.overloaded,
    MISCONFIGURED: FAILURE_MESSAGES.misconfigured,
    PROTOCOL: FAILURE_MESSAGES.protocol,
    UNKNOWN: FAILURE_MESSAGES.unknown,
  },
);

const DependencyCheckRef = builder.objectRef<DependencyCheck>("DependencyCheck").implement({
  description: "One dependency's readiness: database, cache or llm.",
  fields: (t) => ({
    name: t.exposeString("name", { description: "`database`, `cache` or `llm`." }),
    status: t.field({
      type: DependencyStatus,
      description: "Whether it answered.",
      resolve: (c) => c.status,
    }),
    mode: t.exposeString("mode", {
      description: "How it runs: `embedded` or `server` Postgres, `memory` or `upstash` cache, " +
        "`offline` or `openai` model.",
    }),
    latencyMs: t.exposeFloat("latencyMs", { description: "How long the check took, in ms." }),
    errorClass: t.field({
      type: DependencyFailure,
      nullable: true,
      description: "Why it failed, as a class, when it did.",
      resolve: (c) => c.errorClass ?? null,
    }),
    error: t.string({
      nullable: true,
      description: "Why it failed, when it did: the class's fixed sentence, with no host, port " +
        "or driver text.",
      resolve: (c) => c.error ?? null,
    }),
  }),
});

interface HealthShape {
  readiness: ReadinessReport;
  version: string;
  uptime: number;
  environment: string;
}

const HealthRef = builder.objectRef<HealthShape>("Health").implement({
  description: "The service's health, as `/health/ready` reports it.",
  fields: (t) => ({
    ready: t.boolean({
      description: "True when every dependency answered and the service is not draining.",
      resolve: (h) => h.readiness.ready,
    }),
    version: t.exposeString("version", { description: "The running version." }),
    environment: t.exposeString("environment", {
      description: "The profile: development, staging or production.",
    }),
    uptimeSeconds: t.float({
      description: "Seconds since the process started.",
      resolve: (h) => h.uptime,
    }),
    offline: t.boolean({
      description: "True when the language model is the offline model (no OPENAI_API_KEY).",
      resolve: (h) => h.readiness.checks.some((c) => c.name === "llm" && c.mode === "offline"),
    }),
    dependencies: t.field({
      type: [DependencyCheckRef],
      description: "Each dependency's check.",
      resolve: (h) => h.readiness.checks,
    }),
  }),
});

builder.queryField("health", (t) =>
  t.field({
    type: HealthRef,
    description: "The service's health and the mode of each dependency.",
    resolve: async (_root, _args, { services }) => {
      const basic = services.health.basic();
      return {
        readiness: await services.health.ready(),
        version: basic.version,
        uptime: basic.uptime,
        environment: services.config.app.environment,
      };
    },
  }));

interface Heartbeat {
  sequence: number;
  at: Date;
}

const HeartbeatRef = builder.objectRef<Heartbeat>("Heartbeat").implement({
  description: "One beat of the `heartbeat` subscription.",
  fields: (t) => ({
    sequence: t.exposeInt("sequence", { description: "1 for the first beat, then 2, 3, …" }),
    at: t.field({
      type: "DateTime",
      description: "When the server sent it.",
      resolve: (h) => h.at,
    }),
  }),
});

builder.subscriptionField("heartbeat", (t) =>
  t.field({
    type: HeartbeatRef,
    description: "Beats every `intervalMs` until `count` beats were sent, to test a transport.",
    args: {
      intervalMs: t.arg.int({
        defaultValue: 1000,
        required: true,
        description: "Milliseconds between beats, 10 to 60000.",
      }),
      count: t.arg.int({
        defaultValue: 10,
        required: true,
        description: "How many beats, 1 to 1000.",
      }),
    },
    subscribe: (_root, { intervalMs, count }, _ctx) => {
      if (intervalMs < 10 || intervalMs > 60000) {
        throw new BadUserInputError("intervalMs must be from 10 to 60000.", {
          field: "intervalMs",
        });
      }
      if (count < 1 || count > 1000) {
        throw new BadUserInputError("count must be from 1 to 1000.", { field: "count" });
      }
      return beats(intervalMs, count);
    },
    resolve: (beat) => beat,
  }));

/** A pause that never keeps a stopping process alive on its own. */
function sleepUnref(ms: number): Promise<void> {
  return new Promise((resolve) => Deno.unrefTimer(setTimeout(resolve, ms)));
}

async function* beats(intervalMs: number, count: number): AsyncGenerator<Heartbeat> {
  for (let sequence = 1; sequence <= count; sequence++) {
    if (sequence > 1) await sleepUnref(intervalMs);
    yield { sequence, at: new Date() };
  }
}
