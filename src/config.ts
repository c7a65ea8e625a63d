/**
 * One zod schema over the environment. Every setting has a default from the
 * design document, and the `ENVIRONMENT` profile (development, staging,
 * production) picks the defaults that differ between deployments.
 *
 * @example
 * ```ts
 * import { loadConfig } from "./config.ts";
 * const config = loadConfig(Deno.env.toObject());
 * console.log(config.server.port); // 8000
 * ```
 * @module
 */
import { z } from "zod";
import { parseTrustedProxies } from "./http/client_address.ts";

/** The deployment profiles the design document names. */
export const ENVIRONMENTS = ["development", "staging", "production"] as const;
/** One of {@linkcode ENVIRONMENTS}. */
export type Environment = typeof ENVIRONMENTS[number];

/** Log levels, lowest first. `WARNING` is accepted as the design document spells it. */
export const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;
/** One of {@linkcode LOG_LEVELS}. */
export type LogLevel = typeof LOG_LEVELS[number];

/** Defaults that depend on the profile (OPS-SPEC "Profiles"). */
export const PROFILES: Record<
  Environment,
  { debug: boolean; logLevel: LogLevel; poolSize: number; maxConcurrentAgents: number }
> = {
  development: { debug: true, logLevel: "debug", poolSize: 10, maxConcurrentAgents: 5 },
  staging: { debug: false, logLevel: "info", poolSize: 10, maxConcurrentAgents: 20 },
  production: { debug: false, logLevel: "warn", poolSize: 20, maxConcurrentAgents: 50 },
};

/**
 * Variables a profile cannot run without. Staging and production reject
 * tokenless requests, so they need a key to verify tokens with; production
 * must not keep its data in an embedded database inside one replica.
 */
const REQUIRED_BY_PROFILE: Record<Environment, readonly string[]> = {
  development: [],
  staging: ["SECRET_KEY"],
  production: ["SECRET_KEY", "DATABASE_URL"],
};

/** Variables whose values never appear in error messages or logs. */
const SECRET_VARIABLES = new Set([
  "SECRET_KEY",
  "OPENAI_API_KEY",
  "UPSTASH_REDIS_REST_TOKEN",
  "DATABASE_URL",
]);

const bool = z.enum(["true", "false", "1", "0", "yes", "no", "on", "off"], {
  error: "expected a boolean: true or false",
}).transform((v) => ["true", "1", "yes", "on"].includes(v));

function int(min: number, max = Number.MAX_SAFE_INTEGER) {
  return z.string().regex(/^\d+$/, { error: `expected a whole number from ${min} to ${max}` })
    .transform(Number).pipe(
      z.number().min(min, { error: `expected a whole number from ${min} to ${max}` }).max(max, {
        error: `expected a whole number from ${min} to ${max}`,
      }),
    );
}

function num(min: number, max: number) {
  return z.string().regex(/^\d+(\.\d+)?$/, { error: `expected a number from ${min} to ${max}` })
    .transform(Number).pipe(
      z.number().min(min, { error: `expected a number from ${min} to ${max}` })
        .max(max, { error: `expected a number from ${min} to ${max}` }),
    );
}

const url = z.url({ error: "expected an absolute URL, for example http://127.0.0.1:8079" });

const logLevel = z.string().transform((v) => v.toLowerCase()).pipe(
  z.enum(["debug", "info", "warn", "warning", "error", "critical"], {
    error: "expected one of DEBUG, INFO, WARNING, ERROR",
  }),
).transform((v): LogLevel => v === "warning" ? "warn" : v === "critical" ? "error" : v);

/** The raw environment: every variable is an optional string, validated here. */
const envSchema = z.object({
  APP_NAME: z.string().min(1).optional(),
  APP_VERSION: z.string().min(1).optional(),
  DEBUG: bool.optional(),
  ENVIRONMENT: z.enum(ENVIRONMENTS, {
    error: "expected one of development, staging, production",
  }).optional(),
  HOST: z.string().min(1).optional(),
  PORT: int(0, 65535).optional(),
  SHUTDOWN_TIMEOUT: int(0, 3600).optional(),
  SHUTDOWN_DRAIN_SECONDS: int(0, 600).optional(),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, {
    error: "expected a postgres:// or postgresql:// URL",
  }).optional(),
  DB_POOL_SIZE: int(1, 1000).optional(),
  DB_POOL_TIMEOUT: int(1, 3600).optional(),
  DB_STATEMENT_TIMEOUT: int(0, 86_400_000).optional(),
  PGLITE_DATA_DIR: z.string().min(1).optional(),
  UPSTASH_REDIS_REST_URL: url.optional(),
  UPSTASH_REDIS_REST_TOKEN: z.string().min(1).optional(),
  REDIS_MEMORY_CACHE_TTL: int(1).optional(),
  OPENAI_API_KEY: z.string().min(1).optional(),
  OPENAI_BASE_URL: url.optional(),
  DEFAULT_MODEL: z.string().min(1).optional(),
  MAX_TOKENS: int(1, 1_000_000).optional(),
  TEMPERATURE: num(0, 2).optional(),
  EMBEDDING_MODEL: z.string().min(1).optional(),
  LANGMEM_EMBEDDING_DIMS: int(1, 16000).optional(),
  ENABLE_MEMORY: bool.optional(),
  MEMORY_TTL: int(1).optional(),
  LANGMEM_MAX_MEMORIES_PER_NAMESPACE: int(1).optional(),
  LANGMEM_AUTO_CONSOLIDATE: bool.optional(),
  LANGMEM_CONSOLIDATE_THRESHOLD: int(1).optional(),
  MEMORY_CLEANUP_INTERVAL: int(1).optional(),
  MEMORY_BACKUP_ENABLED: bool.optional(),
  MEMORY_BACKUP_INTERVAL: int(1).optional(),
  MEMORY_BACKUP_DIR: z.string().min(1).optional(),
  MEMORY_BACKUP_KEEP: int(1, 10000).optional(),
  MEMORY_MAX_VALUE_BYTES: int(64, 16 * 1024 * 1024).optional(),
  MEMORY_CONSOLIDATE_SIMILARITY: num(0, 1).optional(),
  MEMORY_INDEX_FIELDS: z.string().min(1).optional(),
  MEMORY_HNSW_EF_SEARCH: int(1, 1000).optional(),
  MEMORY_HISTORY_RETENTION_DAYS: int(1, 36500).optional(),
  MEMORY_METRICS_NAMESPACE_DEPTH: int(0, 10).optional(),
  MEMORY_REFLECTION_DELAY_MS: int(0, 3_600_000).optional(),
  SECRET_KEY: z.string().min(16, { error: "expected at least 16 characters" }).optional(),
  ALGORITHM: z.enum(["HS256", "HS384", "HS512"], { error: "expected HS256, HS384 or HS512" })
    .optional(),
  ACCESS_TOKEN_EXPIRE_MINUTES: int(1, 525600).optional(),
  CORS_ORIGINS: z.string().optional(),
  JWKS_URL: url.optional(),
  JWT_ISSUER: z.string().min(1).optional(),
  JWT_AUDIENCE: z.string().min(1).optional(),
  TRUSTED_PROXIES: z.string().superRefine((value, ctx) => {
    try {
      parseTrustedProxies(list(value));
    } catch (error) {
      ctx.addIssue({ code: "custom", message: (error as Error).message });
    }
  }).optional(),
  ENABLE_METRICS: bool.optional(),
  LOG_LEVEL: logLevel.optional(),
  MAX_CONCURRENT_AGENTS: int(1, 100000).optional(),
  AGENT_TIMEOUT: int(1, 86400).optional(),
  RUN_EVENT_RETENTION_SECONDS: int(0, 86400).optional(),
  RUN_LEASE_SECONDS: int(1, 3600).optional(),
  OFFLINE_TOKEN_DELAY_MS: int(0, 10_000).optional(),
  REQUESTS_PER_MINUTE: int(1).optional(),
  REQUESTS_PER_HOUR: int(1).optional(),
  BURST_SIZE: int(1).optional(),
  RATE_LIMIT_ENABLED: bool.optional(),
  MAX_REQUEST_BYTES: int(1024, 1_073_741_824).optional(),
  GRAPHQL_MAX_DEPTH: int(1, 1000).optional(),
  GRAPHQL_MAX_COST: int(1).optional(),
  GRAPHQL_MAX_ALIASES: int(0, 10000).optional(),
  GRAPHQL_MAX_TOKENS: int(10).optional(),
  GRAPHQL_INTROSPECTION: bool.optional(),
  GRAPHIQL: bool.optional(),
  MAX_MESSAGE_CHARS: int(1, 1_000_000).optional(),
  MAX_JSON_BYTES: int(2, 100_000_000).optional(),
  MAX_JSON_DEPTH: int(1, 1000).optional(),
});

type RawEnv = z.infer<typeof envSchema>;

/** The validated, structured configuration. */
export interface Config {
  app: { name: string; version: string; environment: Environment; debug: boolean };
  server: {
    host: string;
    port: number;
    /** How long in-flight requests may run after a stop signal. */
    shutdownTimeoutSeconds: number;
    /** How long readiness fails before the server stops accepting, so balancers notice. */
    shutdownDrainSeconds: number;
  };
  database: {
    /** Absent means embedded PGlite. */
    url: string | undefined;
    poolSize: number;
    poolTimeoutSeconds: number;
    /** Server-side cap on one statement, in ms; 0 means none. */
    statementTimeoutMs: number;
    /** Where embedded PGlite keeps its files; `memory://` keeps them in memory. */
    embeddedDataDir: string;
  };
  cache: { url: string | undefined; token: string | undefined; defaultTtlSeconds: number };
  llm: {
    apiKey: string | undefined;
    baseUrl: string | undefined;
    model: string;
    maxTokens: number;
    temperature: number;
    /** Pause between the offline model's streamed tokens. */
    offlineTokenDelayMs: number;
  };
  embeddings: { model: string; dims: number };
  memory: {
    enabled: boolean;
    ttlSeconds: number;
    maxPerNamespace: number;
    autoConsolidate: boolean;
    consolidateThreshold: number;
    cleanupIntervalSeconds: number;
    backupEnabled: boolean;
    backupIntervalSeconds: number;
    backupDir: string;
    /** Snapshots kept in `backupDir`; older ones are deleted after each backup. */
    backupKeep: number;
    /** Largest accepted memory value, in bytes of its JSON text. */
    maxValueBytes: number;
    /** Cosine similarity at or above which two memories count as near-duplicates. */
    consolidateSimilarity: number;
    /** Value paths embedded when `value.content` is not a string; `$` is the whole value. */
    indexFields: string[];
    /** `hnsw.ef_search` for memory searches: higher is more accurate and slower. */
    hnswEfSearch: number;
    /** Days closed versions stay in a memory's history before cleanup removes them. */
    historyRetentionDays: number;
    /** Namespace labels kept in metric labels, so user-chosen paths cannot explode cardinality. */
    metricsNamespaceDepth: number;
    /** Quiet time after a thread's last successful run before reflection extracts memories. */
    reflectionDelayMs: number;
  };
  security: {
    secretKey: string | undefined;
    algorithm: "HS256" | "HS384" | "HS512";
    accessTokenExpireMinutes: number;
    /**
     * Origins allowed by CORS and on WebSocket upgrades: exact origins, `*`,
     * or `scheme://host:*` for any port.
     */
    corsOrigins: string[];
    /** An external identity provider's key set; when set, only its tokens are accepted. */
    jwksUrl: string | undefined;
    jwtIssuer: string | undefined;
    jwtAudience: string | undefined;
    /** Peers (IPs or CIDRs) whose `X-Forwarded-For` is believed. Empty: none. */
    trustedProxies: string[];
  };
  monitoring: { metricsEnabled: boolean; logLevel: LogLevel };
  agents: {
    maxConcurrent: number;
    timeoutSeconds: number;
    /** How long a finished run's events stay replayable from memory. */
    eventRetentionSeconds: number;
    /** A running run's lease; another instance may fail it once this lapses. */
    runLeaseSeconds: number;
  };
  rateLimit: { enabled: boolean; perMinute: number; perHour: number; burst: number };
  graphql: {
    maxDepth: number;
    maxCost: number;
    maxAliases: number;
    maxTokens: number;
    maxRequestBytes: number;
    introspection: boolean;
    graphiql: boolean;
  };
  /** Bounds on what clients may send inside GraphQL inputs. */
  input: { maxMessageChars: number; maxJsonBytes: number; maxJsonDepth: number };
}

/**
 * Development's default CORS origins: browsers on this machine only, since
 * its tokenless `local` user would otherwise be reachable from any web page.
 */
export const LOCAL_ORIGINS = [
  "http://localhost:*",
  "http://127.0.0.1:*",
  "http://[::1]:*",
  "https://localhost:*",
  "https://127.0.0.1:*",
  "https://[::1]:*",
];

/** One invalid variable: its name, its (masked) value and what was expected. */
export interface ConfigIssue {
  variable: string;
  value: string | undefined;
  expected: string;
}

/** Thrown by {@linkcode loadConfig} with every problem in the environment at once. */
export class ConfigError extends Error {
  /** Every invalid variable. */
  readonly issues: ConfigIssue[];
  constructor(issues: ConfigIssue[], options?: ErrorOptions) {
    const lines = issues.map((i) =>
      `  ${i.variable}=${
        i.value === undefined ? "(unset)" : JSON.stringify(i.value)
      }: ${i.expected}`
    );
    super(`Invalid environment, fix these variables:\n${lines.join("\n")}`, options);
    this.name = "ConfigError";
    this.issues = issues;
  }
}

/** Masks a secret value, keeping its length recognisable but none of its content. */
export function maskSecret(value: string): string {
  return value.length === 0 ? "" : "*".repeat(Math.min(value.length, 8));
}

function displayValue(name: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  return SECRET_VARIABLES.has(name) ? maskSecret(value) : value;
}

/**
 * Validates the environment and returns the configuration.
 *
 * Empty strings count as unset, as shells and compose files often export them.
 *
 * @throws {ConfigError} listing every invalid variable.
 */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const input: Record<string, string> = {};
  for (const key of Object.keys(envSchema.shape)) {
    const value = env[key];
    if (value !== undefined && value.trim() !== "") input[key] = value.trim();
  }
  const parsed = envSchema.safeParse(input);
  const issues: ConfigIssue[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const variable = String(issue.path[0]);
      issues.push({
        variable,
        value: displayValue(variable, input[variable]),
        expected: issue.message,
      });
    }
  }
  const raw: RawEnv = parsed.success ? parsed.data : {};
  // Read the profile even when other variables are invalid, so production's
  // requirements are reported in the same message.
  const environment = raw.ENVIRONMENT ??
    ENVIRONMENTS.find((e) => e === input.ENVIRONMENT) ?? "development";
  for (const name of REQUIRED_BY_PROFILE[environment]) {
    // A JWKS URL verifies tokens in place of SECRET_KEY.
    if (name === "SECRET_KEY" && input.JWKS_URL !== undefined) continue;
    if (input[name] === undefined) {
      const unless = name === "SECRET_KEY" ? " unless JWKS_URL is set" : "";
      issues.push({
        variable: name,
        value: undefined,
        expected: `required in ${environment}${unless}`,
      });
    }
  }
  if (input.UPSTASH_REDIS_REST_URL !== undefined && input.UPSTASH_REDIS_REST_TOKEN === undefined) {
    issues.push({
      variable: "UPSTASH_REDIS_REST_TOKEN",
      value: undefined,
      expected: "required when UPSTASH_REDIS_REST_URL is set",
    });
  }
  if (issues.length > 0) throw new ConfigError(issues);
  return build(raw, environment);
}

function build(raw: RawEnv, environment: Environment): Config {
  const profile = PROFILES[environment];
  return {
    app: {
      name: raw.APP_NAME ?? "Graphmind",
      version: raw.APP_VERSION ?? "1.0.0",
      environment,
      debug: raw.DEBUG ?? profile.debug,
    },
    server: {
      // Development serves this machine only; deployments listen everywhere.
      host: raw.HOST ?? (environment === "development" ? "127.0.0.1" : "0.0.0.0"),
      port: raw.PORT ?? 8000,
      shutdownTimeoutSeconds: raw.SHUTDOWN_TIMEOUT ?? 10,
      shutdownDrainSeconds: raw.SHUTDOWN_DRAIN_SECONDS ?? (environment === "development" ? 0 : 5),
    },
    database: {
      url: raw.DATABASE_URL,
      poolSize: raw.DB_POOL_SIZE ?? profile.poolSize,
      poolTimeoutSeconds: raw.DB_POOL_TIMEOUT ?? 30,
      statementTimeoutMs: raw.DB_STATEMENT_TIMEOUT ?? 30_000,
      embeddedDataDir: raw.PGLITE_DATA_DIR ?? ".data/pglite",
    },
    cache: {
      url: raw.UPSTASH_REDIS_REST_URL,
      token: raw.UPSTASH_REDIS_REST_TOKEN,
      defaultTtlSeconds: raw.REDIS_MEMORY_CACHE_TTL ?? 3600,
    },
    llm: {
      apiKey: raw.OPENAI_API_KEY,
      baseUrl: raw.OPENAI_BASE_URL,
      model: raw.DEFAULT_MODEL ?? "gpt-4",
      maxTokens: raw.MAX_TOKENS ?? 4000,
      temperature: raw.TEMPERATURE ?? 0.7,
      offlineTokenDelayMs: raw.OFFLINE_TOKEN_DELAY_MS ?? 15,
    },
    embeddings: {
      model: raw.EMBEDDING_MODEL ?? "text-embedding-3-small",
      dims: raw.LANGMEM_EMBEDDING_DIMS ?? 1536,
    },
    memory: {
      enabled: raw.ENABLE_MEMORY ?? true,
      ttlSeconds: raw.MEMORY_TTL ?? 3600,
      maxPerNamespace: raw.LANGMEM_MAX_MEMORIES_PER_NAMESPACE ?? 10000,
      autoConsolidate: raw.LANGMEM_AUTO_CONSOLIDATE ?? true,
      consolidateThreshold: raw.LANGMEM_CONSOLIDATE_THRESHOLD ?? 1000,
      cleanupIntervalSeconds: raw.MEMORY_CLEANUP_INTERVAL ?? 86400,
      backupEnabled: raw.MEMORY_BACKUP_ENABLED ?? true,
      backupIntervalSeconds: raw.MEMORY_BACKUP_INTERVAL ?? 604800,
      backupDir: raw.MEMORY_BACKUP_DIR ?? ".data/backups",
      backupKeep: raw.MEMORY_BACKUP_KEEP ?? 8,
      maxValueBytes: raw.MEMORY_MAX_VALUE_BYTES ?? 65536,
      consolidateSimilarity: raw.MEMORY_CONSOLIDATE_SIMILARITY ?? 0.92,
      indexFields: (raw.MEMORY_INDEX_FIELDS ?? "$").split(",").map((f) => f.trim()).filter(Boolean),
      hnswEfSearch: raw.MEMORY_HNSW_EF_SEARCH ?? 100,
      historyRetentionDays: raw.MEMORY_HISTORY_RETENTION_DAYS ?? 90,
      metricsNamespaceDepth: raw.MEMORY_METRICS_NAMESPACE_DEPTH ?? 1,
      reflectionDelayMs: raw.MEMORY_REFLECTION_DELAY_MS ?? 10_000,
    },
    security: {
      secretKey: raw.SECRET_KEY,
      algorithm: raw.ALGORITHM ?? "HS256",
      accessTokenExpireMinutes: raw.ACCESS_TOKEN_EXPIRE_MINUTES ?? 30,
      corsOrigins: raw.CORS_ORIGINS === undefined
        ? (environment === "development" ? [...LOCAL_ORIGINS] : ["*"])
        : list(raw.CORS_ORIGINS),
      jwksUrl: raw.JWKS_URL,
      jwtIssuer: raw.JWT_ISSUER,
      jwtAudience: raw.JWT_AUDIENCE,
      trustedProxies: list(raw.TRUSTED_PROXIES ?? ""),
    },
    monitoring: {
      metricsEnabled: raw.ENABLE_METRICS ?? true,
      logLevel: raw.LOG_LEVEL ?? profile.logLevel,
    },
    agents: {
      maxConcurrent: raw.MAX_CONCURRENT_AGENTS ?? profile.maxConcurrentAgents,
      timeoutSeconds: raw.AGENT_TIMEOUT ?? 300,
      eventRetentionSeconds: raw.RUN_EVENT_RETENTION_SECONDS ?? 300,
      runLeaseSeconds: raw.RUN_LEASE_SECONDS ?? 30,
    },
    rateLimit: {
      enabled: raw.RATE_LIMIT_ENABLED ?? true,
      perMinute: raw.REQUESTS_PER_MINUTE ?? 60,
      perHour: raw.REQUESTS_PER_HOUR ?? 1000,
      burst: raw.BURST_SIZE ?? 10,
    },
    graphql: {
      maxDepth: raw.GRAPHQL_MAX_DEPTH ?? 12,
      maxCost: raw.GRAPHQL_MAX_COST ?? 5000,
      maxAliases: raw.GRAPHQL_MAX_ALIASES ?? 15,
      maxTokens: raw.GRAPHQL_MAX_TOKENS ?? 2000,
      maxRequestBytes: raw.MAX_REQUEST_BYTES ?? 1_048_576,
      // Production hides the schema unless asked: introspection and
      // GraphiQL (useless without it) are opt-in there.
      introspection: raw.GRAPHQL_INTROSPECTION ?? environment !== "production",
      graphiql: raw.GRAPHIQL ?? environment !== "production",
    },
    input: {
      maxMessageChars: raw.MAX_MESSAGE_CHARS ?? 32_000,
      maxJsonBytes: raw.MAX_JSON_BYTES ?? 65_536,
      maxJsonDepth: raw.MAX_JSON_DEPTH ?? 16,
    },
  };
}

function list(value: string): string[] {
  return value.split(",").map((item) => item.trim()).filter(Boolean);
}
