/**
 * What Deno Deploy needs from the environment. Deploy runs short-lived,
 * isolated instances (several at once, each capped at 768 MB by default, its
 * disk gone when it stops), so the defaults that make `deno task start` work
 * with nothing installed do not hold there:
 * - embedded Postgres (PGlite) would keep each instance's data in its own
 *   throwaway disk and needs more memory than an instance has: `DATABASE_URL`
 *   is required;
 * - the in-memory cache would give each instance its own cache and its own
 *   rate-limit counters: Upstash (`UPSTASH_REDIS_REST_URL` and `_TOKEN`) is
 *   required;
 * - the `development` profile lets requests without a token act as the local
 *   user, so Deploy defaults to `production` and refuses `development`;
 * - in-process memory backups would be written to a disk that disappears, so
 *   they default to off (back up the managed database instead).
 *
 * Outside Deploy (`DENO_DEPLOY` unset) the environment passes unchanged.
 *
 * @example
 * ```ts
 * import { prepareDenoDeployEnv } from "./deno_deploy.ts";
 * const { env, problems } = prepareDenoDeployEnv(Deno.env.toObject());
 * if (problems.length > 0) throw new Error(problems.join("\n"));
 * ```
 * @module
 */

/** The environment to load the configuration from, and what is missing for Deploy. */
export interface DenoDeployEnv {
  env: Record<string, string | undefined>;
  /** One sentence per problem; empty when the service can start. */
  problems: string[];
}

/** True when the process runs on Deno Deploy, which sets `DENO_DEPLOY=true`. */
export function isDenoDeploy(env: Record<string, string | undefined>): boolean {
  return env.DENO_DEPLOY === "true";
}

const set = (value: string | undefined) => value !== undefined && value.trim() !== "";

/** Applies Deploy's defaults and lists what Deploy requires but is missing. */
export function prepareDenoDeployEnv(env: Record<string, string | undefined>): DenoDeployEnv {
  if (!isDenoDeploy(env)) return { env, problems: [] };
  const problems: string[] = [];
  if (!set(env.DATABASE_URL)) {
    problems.push(
      "DATABASE_URL is required on Deno Deploy: embedded Postgres does not run there " +
        "(instances are isolated, short-lived and memory-capped). " +
        "Set it to a Postgres server with pgvector.",
    );
  }
  for (const name of ["UPSTASH_REDIS_REST_URL", "UPSTASH_REDIS_REST_TOKEN"]) {
    if (!set(env[name])) {
      problems.push(
        `${name} is required on Deno Deploy: an in-memory cache would give every instance ` +
          "its own cache and rate-limit counters. Create an Upstash Redis database and set it.",
      );
    }
  }
  if (env.ENVIRONMENT?.trim() === "development") {
    problems.push(
      'ENVIRONMENT="development" is refused on Deno Deploy: it lets requests without a ' +
        "token act as the local user. Use staging or production.",
    );
  }
  return {
    env: {
      ...env,
      ENVIRONMENT: set(env.ENVIRONMENT) ? env.ENVIRONMENT : "production",
      MEMORY_BACKUP_ENABLED: set(env.MEMORY_BACKUP_ENABLED) ? env.MEMORY_BACKUP_ENABLED : "false",
    },
    problems,
  };
}
