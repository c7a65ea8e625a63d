/**
 * The validated, structured configuration every service receives.
 *
 * @module
 */
import type { Environment, LogLevel } from "./profiles.ts";
import type { DocumentExtension } from "./document_types.ts";

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
    /** Development only: the tokenless `local` user has the admin role (DEV_LOCAL_ADMIN). */
    devLocalAdmin: boolean;
    /** Peers (IPs or CIDRs) whose `X-Forwarded-For` is believed. Empty: none. */
    trustedProxies: string[];
  };
  monitoring: { metricsEnabled: boolean; logLevel: LogLevel };
  agents: {
    maxConcurrent: number;
    timeoutSeconds: number;
    /** How long a finished run's event log is kept for exact replays; checkpoints after. */
    eventRetentionSeconds: number;
    /** A running run's lease; another replica claims it again once this lapses. */
    runLeaseSeconds: number;
    /** Claims of a run whose holder keeps dying before it ends ERROR. */
    maxAttempts: number;
  };
  /** Background jobs (src/queue/jobs.ts): ingest, reflection, maintenance. */
  jobs: {
    /** Jobs one instance runs at once. */
    concurrency: number;
    /** A running job's lease; another instance claims the job again once it lapses. */
    leaseSeconds: number;
    /** How long finished jobs stay in the `jobs` table before they are pruned. */
    retentionSeconds: number;
  };
  tools: {
    /** Tool names switched off for every agent. */
    disabled: string[];
    /** Local modules exporting extra tools, imported at start. */
    modules: string[];
    /** A Tavily-compatible search API; `web_search` exists only with a key. */
    webSearch: { apiKey: string | undefined; url: string };
  };
  rateLimit: {
    enabled: boolean;
    perMinute: number;
    perHour: number;
    burst: number;
    /** Milliseconds a Redis check may take before the request is let through (fail open). */
    redisTimeoutMs: number;
  };
  graphql: {
    maxDepth: number;
    maxCost: number;
    maxAliases: number;
    maxTokens: number;
    maxRequestBytes: number;
    introspection: boolean;
    graphiql: boolean;
    /** The web console at /console (src/console/). */
    console: boolean;
    /** Open WebSockets one client address may hold. */
    maxSocketsPerClient: number;
    /** Bytes a WebSocket may hold unsent for its client before it is closed as too slow. */
    subscriptionBufferBytes: number;
    /** Live events a subscription may fall behind its run before it is ended as too slow. */
    subscriptionLagEvents: number;
  };
  /** Bounds on what clients may send inside GraphQL inputs. */
  input: { maxMessageChars: number; maxJsonBytes: number; maxJsonDepth: number };
  /** Uploaded documents (`uploadDocument`). */
  documents: {
    /** Largest accepted file, in bytes. */
    maxFileBytes: number;
    /** The file types accepted, by extension. */
    allowedExtensions: DocumentExtension[];
    /** Wall-clock limit of one pdf or docx text extraction (a sandboxed child), start-up included. */
    extractTimeoutMs: number;
    /** V8 heap limit of the extraction child, and the basis of its whole-process memory cap. */
    extractMemoryMb: number;
  };
  /** Limits of the `run_code` sandbox (a child Deno process without permissions). */
  code: {
    /** Wall-clock limit of one snippet, start-up included. */
    timeoutSeconds: number;
    /** V8 heap limit of the sandbox, and the basis of its whole-process memory cap. */
    memoryMb: number;
    /** Output kept from one snippet; the rest is cut with a note. */
    maxOutputBytes: number;
  };
}
