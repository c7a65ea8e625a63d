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
import { build } from "./config/build.ts";
import { envSchema, type RawEnv, SECRET_VARIABLES } from "./config/env_schema.ts";
import type { Config } from "./config/types.ts";
import { ENVIRONMENTS, REQUIRED_BY_PROFILE } from "./config/profiles.ts";

export type { Config } from "./config/types.ts";
export {
  type Environment,
  ENVIRONMENTS,
  LOCAL_ORIGINS,
  LOG_LEVELS,
  type LogLevel,
  PROFILES,
} from "./config/profiles.ts";

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
