/**
 * The entry point: configuration → app → `Deno.serve`, with a graceful
 * shutdown on SIGINT and SIGTERM.
 *
 * @module
 */
import { type Config, ConfigError, loadConfig } from "./config.ts";
import { type App, createApp } from "./app.ts";
import { createLogger } from "./observability/logger.ts";

if (import.meta.main) await main();

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(Deno.env.toObject());
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    Deno.exit(78); // EX_CONFIG
  }
  const logger = createLogger({ level: config.monitoring.logLevel, name: "graphmind" });
  if (config.app.environment === "development") {
    logger.warn(
      "development profile: requests without a token act as the single local user `local`",
    );
  }
  let app: App;
  try {
    app = await createApp(config, { logger });
  } catch (error) {
    logger.error("startup failed", { error });
    Deno.exit(1);
  }
  const abort = new AbortController();
  const server = Deno.serve({
    hostname: config.server.host,
    port: config.server.port,
    signal: abort.signal,
    onListen: ({ hostname, port }) =>
      logger.info("listening", { url: `http://${hostname}:${port}/graphql`, port }),
  }, app.fetch);

  let stopping = false;
  async function shutdown(signal: string): Promise<void> {
    if (stopping) return;
    stopping = true;
    const deadlineMs = config.server.shutdownTimeoutSeconds * 1000;
    logger.info("shutting down", { signal, deadline_ms: deadlineMs });
    app.drain();
    const finished = await Promise.race([
      server.shutdown().then(() => true),
      new Promise<false>((resolve) => setTimeout(() => resolve(false), deadlineMs)),
    ]);
    if (!finished) {
      logger.warn("in-flight requests outlived the deadline; closing them");
      abort.abort();
    }
    await app.close();
    logger.info("stopped");
    Deno.exit(0);
  }
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    Deno.addSignalListener(signal, () => void shutdown(signal));
  }
}
