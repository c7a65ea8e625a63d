/**
 * The entry point: configuration → port → app → serving, with a graceful
 * shutdown on SIGINT and SIGTERM.
 *
 * The port is claimed before the app opens its database, so a second copy
 * started by mistake fails at once with a clear message instead of opening
 * (and possibly damaging) the same embedded data directory. Requests that
 * arrive while the app is still starting wait for it.
 *
 * @module
 */
import type { Config } from "./config.ts";
import { type App, createApp } from "./app.ts";
import type { Logger } from "./observability/logger.ts";
import { loadConfigOrExit, startupLogger } from "./boot.ts";

if (import.meta.main) await main();

async function main(): Promise<void> {
  const config = loadConfigOrExit(Deno.env.toObject());
  const logger = startupLogger(config);

  // Requests that arrive during start-up wait on this for the app.
  const starting = Promise.withResolvers<App>();
  // Failing start-up exits below; no request needs to observe the rejection.
  starting.promise.catch(() => {});
  const abort = new AbortController();
  let server: Deno.HttpServer;
  try {
    server = Deno.serve({
      hostname: config.server.host,
      port: config.server.port,
      signal: abort.signal,
      onListen: ({ hostname, port }) =>
        logger.info("listening", { url: `http://${hostname}:${port}/graphql`, port }),
    }, async (request, info) => (await starting.promise).fetch(request, info));
  } catch (error) {
    logger.error(
      error instanceof Deno.errors.AddrInUse
        ? `Port ${config.server.port} on ${config.server.host} is already in use: stop the other process or set PORT`
        : "cannot listen",
      { error },
    );
    Deno.exit(1);
  }

  let app: App;
  try {
    app = await createApp(config, { logger });
  } catch (error) {
    logger.error("startup failed", { error });
    starting.reject(error);
    abort.abort();
    Deno.exit(1);
  }
  starting.resolve(app);
  const stop = gracefulShutdown({ config, logger, app, server, abort });
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    Deno.addSignalListener(signal, () => void stop(signal));
  }
}

interface Running {
  config: Config;
  logger: Logger;
  app: App;
  server: Deno.HttpServer;
  abort: AbortController;
}

/**
 * Readiness fails first, so load balancers stop sending traffic; after the
 * drain period in-flight requests (SSE and WebSocket streams included) get
 * until the deadline to finish. Streams still open then end with
 * UNAVAILABLE naming the sequence to resume after (their runs are handed
 * back to the queue when the runs close), WebSockets close with 1001, and
 * whatever is left is cut; then the runs, the cache, the pool and embedded
 * Postgres close.
 *
 * Deno's `server.shutdown()` closes upgraded WebSockets at once (1001, no
 * resume point), so it is called only once the WebSockets have ended on
 * their own or been told where to resume.
 */
function gracefulShutdown(running: Running): (signal: string) => Promise<void> {
  const { config, logger, app, server, abort } = running;
  let stopping = false;
  let stopped: Promise<void> | undefined;
  const stopServing = () => stopped ??= server.shutdown();
  return async function shutdown(signal) {
    if (stopping) return;
    stopping = true;
    const deadlineMs = config.server.shutdownTimeoutSeconds * 1000;
    logger.info("shutting down", { signal, deadline_ms: deadlineMs });
    app.drain();
    await sleep(config.server.shutdownDrainSeconds * 1000);
    const deadline = sleep(deadlineMs).then(() => false);
    const finished = await Promise.race([
      app.settle().then(() => Promise.race([stopServing().then(() => true), deadline])),
      deadline,
    ]);
    if (!finished) {
      logger.warn("in-flight requests outlived the deadline; telling streams where to resume");
      await app.disconnect();
      void stopServing();
      // SSE streams just sent their closing error and complete on their own;
      // only what is still open after a moment (a stalled reader) is cut.
      // Aborting a server that already finished throws inside Deno (BadResource).
      let ended = false;
      server.finished.then(() => ended = true);
      await Promise.race([server.finished, sleep(1000)]);
      if (!ended) {
        abort.abort();
        await Promise.race([server.finished, sleep(1000)]);
      }
    }
    let code = 0;
    try {
      await app.close();
      logger.info("stopped");
    } catch (error) {
      logger.error("shutdown did not close cleanly", { error });
      code = 1;
    }
    Deno.exit(code);
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
