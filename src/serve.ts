/**
 * The entry point for `deno serve` and Deno Deploy: builds the app from the
 * environment and default-exports its fetch handler.
 *
 * ```sh
 * deno serve --allow-net --allow-env --allow-read --allow-write=.data \
 *   --allow-sys=homedir,loadavg,systemMemoryInfo,statfs --allow-run=deno --port 8000 src/serve.ts
 * ```
 *
 * `deno serve` owns the listener, so `HOST` and `PORT` do not apply here: use
 * its `--host` and `--port`. Do not use `--parallel` with embedded Postgres:
 * every worker would build its own app, and PGlite has one session. On
 * SIGINT (Deno Deploy stops instances with it) or SIGTERM the app drains
 * (open streams end with UNAVAILABLE and the sequence to resume after),
 * hands its runs back, closes its pool and exits.
 *
 * @module
 */
import { createApp } from "./app.ts";
import { prepareDenoDeployEnv } from "./config/deno_deploy.ts";
import { EX_CONFIG, loadConfigOrExit, startupLogger } from "./boot.ts";

const { env, problems } = prepareDenoDeployEnv(Deno.env.toObject());
if (problems.length > 0) {
  console.error(`Cannot start on Deno Deploy:\n${problems.map((p) => `  ${p}`).join("\n")}`);
  Deno.exit(EX_CONFIG);
}
const config = loadConfigOrExit(env);
const logger = startupLogger(config);
const app = await createApp(config, { logger });

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info("shutting down", { signal });
  app.drain();
  // Open streams learn where to resume before their runs are handed back.
  await app.disconnect();
  await app.close();
  logger.info("stopped");
  Deno.exit(0);
}
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  Deno.addSignalListener(signal, () => void shutdown(signal));
}

export default {
  fetch: app.fetch,
  onListen(address: Deno.Addr) {
    if (address.transport !== "tcp") return;
    const { hostname, port } = address;
    logger.info("listening", { url: `http://${hostname}:${port}/graphql`, port });
  },
} satisfies Deno.ServeDefaultExport;
