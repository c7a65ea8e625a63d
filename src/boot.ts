/**
 * Start-up steps shared by both entry points (`src/main.ts` and
 * `src/serve.ts`): read the configuration or stop with exit code 78, and
 * make the logger, announcing the development profile's tokenless user.
 *
 * @module
 */
import { type Config, ConfigError, loadConfig } from "./config.ts";
import { createLogger, type Logger } from "./observability/logger.ts";

/** `EX_CONFIG` from sysexits.h: the configuration is wrong. */
export const EX_CONFIG = 78;

/** The configuration, or the process exits 78 with every problem listed. */
export function loadConfigOrExit(env: Record<string, string | undefined>): Config {
  try {
    return loadConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    Deno.exit(EX_CONFIG);
  }
}

/** The process logger; in development it says that tokenless requests act as `local`. */
export function startupLogger(config: Config): Logger {
  const logger = createLogger({ level: config.monitoring.logLevel, name: "graphmind" });
  if (config.app.environment === "development") {
    const admin = config.security.devLocalAdmin;
    logger.warn(
      "development profile: requests without a token act as the single local user `local`, " +
        (admin
          ? "an admin (DEV_LOCAL_ADMIN=true)"
          : "who is not an admin (set DEV_LOCAL_ADMIN=true to make it one)"),
      { local_user_admin: admin },
    );
  }
  return logger;
}
