/**
 * Turns the validated environment into {@linkcode Config}, filling every
 * default from the design document and the profile.
 *
 * @module
 */
import type { Config } from "./types.ts";
import { type Environment, LOCAL_ORIGINS, PROFILES } from "./profiles.ts";
import { list, type RawEnv } from "./env_schema.ts";
import { DOCUMENT_EXTENSIONS } from "./document_types.ts";

/** The configuration for a validated environment and its profile. */
export function build(raw: RawEnv, environment: Environment): Config {
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
      // The tokenless local user gets no admin role unless asked: whoever
      // reaches a development server by an IP address (on a LAN, with
      // HOST=0.0.0.0) acts as `local`, and should not administer it by default.
      devLocalAdmin: raw.DEV_LOCAL_ADMIN ?? false,
    },
    monitoring: {
      metricsEnabled: raw.ENABLE_METRICS ?? true,
      logLevel: raw.LOG_LEVEL ?? profile.logLevel,
    },
    agents: {
      maxConcurrent: raw.MAX_CONCURRENT_AGENTS ?? profile.maxConcurrentAgents,
      timeoutSeconds: raw.AGENT_TIMEOUT ?? 300,
      eventRetentionSeconds: raw.RUN_EVENT_RETENTION_SECONDS ?? 3600,
      runLeaseSeconds: raw.RUN_LEASE_SECONDS ?? 30,
      maxAttempts: raw.RUN_MAX_ATTEMPTS ?? 3,
    },
    jobs: {
      concurrency: raw.JOB_CONCURRENCY ?? 2,
      leaseSeconds: raw.JOB_LEASE_SECONDS ?? 30,
      retentionSeconds: raw.JOB_RETENTION_SECONDS ?? 86_400,
    },
    tools: {
      disabled: list(raw.TOOLS_DISABLED ?? ""),
      modules: list(raw.TOOL_MODULES ?? ""),
      webSearch: {
        apiKey: raw.WEB_SEARCH_API_KEY,
        url: raw.WEB_SEARCH_URL ?? "https://api.tavily.com/search",
      },
    },
    rateLimit: {
      enabled: raw.RATE_LIMIT_ENABLED ?? true,
      perMinute: raw.REQUESTS_PER_MINUTE ?? 60,
      perHour: raw.REQUESTS_PER_HOUR ?? 1000,
      burst: raw.BURST_SIZE ?? 10,
      redisTimeoutMs: raw.RATE_LIMIT_REDIS_TIMEOUT_MS ?? 1000,
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
      // The web console at /console: like GraphiQL, opt-in in production.
      console: raw.CONSOLE_ENABLED ?? environment !== "production",
      maxSocketsPerClient: raw.WS_MAX_CONNECTIONS_PER_IP ?? 100,
      subscriptionBufferBytes: raw.SUBSCRIPTION_BUFFER_LIMIT_BYTES ?? 1_048_576,
      subscriptionLagEvents: raw.SUBSCRIPTION_LAG_LIMIT_EVENTS ?? 5000,
    },
    input: {
      maxMessageChars: raw.MAX_MESSAGE_CHARS ?? 32_000,
      maxJsonBytes: raw.MAX_JSON_BYTES ?? 65_536,
      maxJsonDepth: raw.MAX_JSON_DEPTH ?? 16,
    },
    documents: {
      maxFileBytes: raw.MAX_FILE_SIZE ?? 10_485_760,
      allowedExtensions: raw.ALLOWED_EXTENSIONS ?? [...DOCUMENT_EXTENSIONS],
      extractTimeoutMs: raw.DOCUMENT_EXTRACT_TIMEOUT_MS ?? 60_000,
      extractMemoryMb: raw.DOCUMENT_EXTRACT_MEMORY_MB ?? 256,
    },
    code: {
      timeoutSeconds: raw.CODE_TIMEOUT_SECONDS ?? 5,
      memoryMb: raw.CODE_MEMORY_MB ?? 128,
      maxOutputBytes: raw.CODE_MAX_OUTPUT_BYTES ?? 65_536,
    },
  };
}
