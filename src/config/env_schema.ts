/**
 * The raw environment as one zod schema: every variable an optional string,
 * checked and converted here. `src/config.ts` turns the result into
 * {@linkcode Config}.
 *
 * @module
 */
import { z } from "zod";
import { parseTrustedProxies } from "./ip_ranges.ts";
import { ENVIRONMENTS, type LogLevel } from "./profiles.ts";
import { DOCUMENT_EXTENSIONS } from "./document_types.ts";

/** Variables whose values never appear in error messages or logs. */
export const SECRET_VARIABLES = new Set([
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
export const envSchema = z.object({
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
  DEV_LOCAL_ADMIN: bool.optional(),
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
  RUN_MAX_ATTEMPTS: int(1, 100).optional(),
  JOB_CONCURRENCY: int(1, 1000).optional(),
  JOB_LEASE_SECONDS: int(1, 3600).optional(),
  JOB_RETENTION_SECONDS: int(60, 31_536_000).optional(),
  OFFLINE_TOKEN_DELAY_MS: int(0, 10_000).optional(),
  TOOLS_DISABLED: z.string().optional(),
  TOOL_MODULES: z.string().optional(),
  WEB_SEARCH_API_KEY: z.string().min(1).optional(),
  WEB_SEARCH_URL: url.optional(),
  REQUESTS_PER_MINUTE: int(1).optional(),
  REQUESTS_PER_HOUR: int(1).optional(),
  BURST_SIZE: int(1).optional(),
  RATE_LIMIT_ENABLED: bool.optional(),
  RATE_LIMIT_REDIS_TIMEOUT_MS: int(10, 60_000).optional(),
  MAX_REQUEST_BYTES: int(1024, 1_073_741_824).optional(),
  GRAPHQL_MAX_DEPTH: int(1, 1000).optional(),
  GRAPHQL_MAX_COST: int(1).optional(),
  GRAPHQL_MAX_ALIASES: int(0, 10000).optional(),
  GRAPHQL_MAX_TOKENS: int(10).optional(),
  GRAPHQL_INTROSPECTION: bool.optional(),
  GRAPHIQL: bool.optional(),
  CONSOLE_ENABLED: bool.optional(),
  WS_MAX_CONNECTIONS_PER_IP: int(1, 1_000_000).optional(),
  SUBSCRIPTION_BUFFER_LIMIT_BYTES: int(4096, 1_073_741_824).optional(),
  SUBSCRIPTION_LAG_LIMIT_EVENTS: int(16, 100_000_000).optional(),
  MAX_MESSAGE_CHARS: int(1, 1_000_000).optional(),
  MAX_JSON_BYTES: int(2, 100_000_000).optional(),
  MAX_JSON_DEPTH: int(1, 1000).optional(),
  MAX_FILE_SIZE: int(1, 1_073_741_824).optional(),
  ALLOWED_EXTENSIONS: z.string().transform(list).pipe(
    z.array(
      z.enum(DOCUMENT_EXTENSIONS, {
        error: "expected a comma-separated subset of pdf,txt,docx,md",
      }),
    )
      .min(1, { error: "expected at least one of pdf,txt,docx,md" }),
  ).optional(),
  DOCUMENT_EXTRACT_TIMEOUT_MS: int(100, 3_600_000).optional(),
  DOCUMENT_EXTRACT_MEMORY_MB: int(16, 16384).optional(),
  CODE_TIMEOUT_SECONDS: int(1, 600).optional(),
  CODE_MEMORY_MB: int(16, 16384).optional(),
  CODE_MAX_OUTPUT_BYTES: int(256, 16 * 1024 * 1024).optional(),
});

export type RawEnv = z.infer<typeof envSchema>;

export function list(value: string): string[] {
  return value.split(",").map((item) => item.trim()).filter(Boolean);
}
