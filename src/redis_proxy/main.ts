/**
 * The Redis proxy: a standalone program, separate from the API, that serves
 * the Upstash REST protocol in front of a plain Redis, so the API's
 * `@upstash/redis` client (`UPSTASH_REDIS_REST_URL`) and `@upstash/ratelimit`
 * work without Upstash. The API never imports this folder; docker-compose and
 * the Kubernetes manifests run it as the `redis-proxy` service from the same
 * image.
 *
 * Run it with `deno task redis-proxy`, or
 * `deno run --allow-net --allow-env src/redis_proxy/main.ts`.
 *
 * Environment: `REDIS_URL` (default `redis://127.0.0.1:6379`),
 * `UPSTASH_REDIS_REST_TOKEN` (the token clients must send; default
 * `local-dev-token`, accepted on loopback only), `PROXY_HOST` (default
 * `127.0.0.1`), `PROXY_PORT` (default 8079) and `LOG_LEVEL` (`debug` logs
 * each pub/sub stream opening and ending).
 *
 * @module
 */
import { createLogger } from "../observability/logger.ts";
import { parseRedisUrl } from "./redis_connection.ts";
import { createUpstashProxy } from "./upstash_proxy.ts";

const DEFAULT_TOKEN = "local-dev-token";
const LOOPBACK_HOSTS = new Set(["127.0.0.1", "::1", "localhost"]);

function redisUrlForLogs(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== "") parsed.password = "****";
    return parsed.toString();
  } catch {
    return "(invalid)";
  }
}

async function main(): Promise<void> {
  const env = (name: string) => Deno.env.get(name)?.trim() || undefined;
  const log = createLogger({
    level: env("LOG_LEVEL")?.toLowerCase() === "debug" ? "debug" : "info",
    name: "redis-proxy",
  });
  const redisUrl = env("REDIS_URL") ?? "redis://127.0.0.1:6379";
  const host = env("PROXY_HOST") ?? "127.0.0.1";
  const portText = env("PROXY_PORT") ?? "8079";
  let token = env("UPSTASH_REDIS_REST_TOKEN");
  if (!/^\d+$/.test(portText) || Number(portText) > 65535) {
    log.error(`Invalid PROXY_PORT "${portText}": expected a port number from 0 to 65535`);
    Deno.exit(1);
  }
  let redis;
  try {
    redis = parseRedisUrl(redisUrl);
  } catch (error) {
    log.error(error instanceof Error ? error.message : String(error));
    Deno.exit(1);
  }
  if (token === undefined && !LOOPBACK_HOSTS.has(host)) {
    // A well-known token on a reachable interface is no token at all.
    log.error(
      `UPSTASH_REDIS_REST_TOKEN is unset and PROXY_HOST is "${host}": set a token before ` +
        "listening beyond loopback",
    );
    Deno.exit(1);
  }
  if (token === undefined) {
    token = DEFAULT_TOKEN;
    log.warn(`UPSTASH_REDIS_REST_TOKEN is unset; clients must send the token "${DEFAULT_TOKEN}"`);
  }

  const proxy = createUpstashProxy({
    token,
    redisHost: redis.hostname,
    redisPort: redis.port,
    ...(redis.username !== undefined && { redisUsername: redis.username }),
    ...(redis.password !== undefined && { redisPassword: redis.password }),
    ...(redis.db !== undefined && { redisDb: redis.db }),
    ...(redis.tls !== undefined && { redisTls: redis.tls }),
    onSubscription: ({ type, kind, names, open }) =>
      log.debug(`Pub/sub stream ${type === "open" ? "opened" : "ended"}`, { kind, names, open }),
  });
  const server = Deno.serve({
    hostname: host,
    port: Number(portText),
    onListen: ({ hostname, port }) =>
      log.info("Upstash-compatible Redis proxy listening", {
        url: `http://${hostname.includes(":") ? `[${hostname}]` : hostname}:${port}`,
        redis: redisUrlForLogs(redisUrl),
      }),
  }, proxy.fetch);

  let stopping = false;
  async function stop(signal: Deno.Signal): Promise<void> {
    if (stopping) return;
    stopping = true;
    log.info("Shutting down the Redis proxy", { signal });
    await proxy.drain();
    await server.shutdown();
    await proxy.close();
  }
  Deno.addSignalListener("SIGINT", () => void stop("SIGINT"));
  // Windows has no SIGTERM; container runtimes that send it are not Windows.
  if (Deno.build.os !== "windows") Deno.addSignalListener("SIGTERM", () => void stop("SIGTERM"));
  await server.finished;
  Deno.exit(0);
}

if (import.meta.main) await main();
