/**
 * The deployment profiles and the defaults that differ between them.
 *
 * @module
 */

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
export const REQUIRED_BY_PROFILE: Record<Environment, readonly string[]> = {
  development: [],
  staging: ["SECRET_KEY"],
  production: ["SECRET_KEY", "DATABASE_URL"],
};

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
