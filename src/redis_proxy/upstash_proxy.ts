/**
 * An Upstash-compatible REST proxy in front of a real Redis, the role SRH
 * plays in Upstash's docs, so `@upstash/redis` and `@upstash/ratelimit` run
 * unchanged on a laptop, in CI and in docker-compose.
 *
 * Routes: `POST /` (one command), `POST /pipeline`, `POST /multi-exec`,
 * `POST /subscribe/<channel>` and `/psubscribe/<pattern>` (pub/sub over SSE,
 * {@link ./upstash_subscribe.ts}), path-style `GET|POST /<command>/<arg>...`,
 * and an unauthenticated `GET /` health check.
 *
 * @example
 * ```ts
 * import { createUpstashProxy } from "./upstash_proxy.ts";
 * const proxy = createUpstashProxy({ redisHost: "127.0.0.1", redisPort: 6379, token: "dev" });
 * const server = Deno.serve({ port: 8079 }, proxy.fetch);
 * // later: await server.shutdown(); await proxy.close();
 * ```
 * @module
 */
import { RedisConnectionError } from "./redis_connection.ts";
import { createRedisPool } from "./redis_pool.ts";
import { RedisReplyError, type RespValue } from "./resp.ts";
import {
  parseCommand,
  toUpstashEntry,
  type UpstashEntry,
  UpstashRequestError,
} from "./upstash_protocol.ts";
import { createScriptTranslator, type TranslatedCommand } from "./upstash_scripts.ts";
import { createSubscriptionHub, type SubscriptionEvent } from "./upstash_subscribe.ts";

/** Options for {@linkcode createUpstashProxy}. */
export interface UpstashProxyOptions {
  /** The Bearer token clients must send. */
  token: string;
  redisHost?: string;
  redisPort?: number;
  redisUsername?: string;
  redisPassword?: string;
  redisDb?: number;
  redisTls?: boolean;
  /** Most Redis connections open at once for commands. Default 16. */
  maxConnections?: number;
  /** Most pub/sub streams open at once, each with a Redis connection of its own. Default 1024. */
  maxSubscriptions?: number;
  /** Called when a pub/sub stream opens, and once it has ended and its connection is closed. */
  onSubscription?: (event: SubscriptionEvent) => void;
}

/** A fetch handler for `Deno.serve`, plus the Redis connections behind it. */
export interface UpstashProxy {
  fetch(request: Request): Promise<Response>;
  /**
   * Ends the pub/sub streams and refuses new ones. Call it before the HTTP
   * server's `shutdown()`, which otherwise waits for streams that never end.
   */
  drain(): Promise<void>;
  /** Ends the pub/sub streams and closes the Redis connections; stop the HTTP server first. */
  close(): Promise<void>;
}

const encoder = new TextEncoder();

/** Creates the proxy. Redis connections open lazily, on the first request. */
export function createUpstashProxy(options: UpstashProxyOptions): UpstashProxy {
  const redis = {
    hostname: options.redisHost ?? "127.0.0.1",
    port: options.redisPort ?? 6379,
    ...(options.redisUsername !== undefined && { username: options.redisUsername }),
    ...(options.redisPassword !== undefined && { password: options.redisPassword }),
    ...(options.redisDb !== undefined && { db: options.redisDb }),
    ...(options.redisTls !== undefined && { tls: options.redisTls }),
  };
  const pool = createRedisPool({
    ...redis,
    ...(options.maxConnections !== undefined && { maxConnections: options.maxConnections }),
  });
  const subscriptions = createSubscriptionHub({
    ...redis,
    ...(options.maxSubscriptions !== undefined && { maxSubscriptions: options.maxSubscriptions }),
    ...(options.onSubscription !== undefined && { onEvent: options.onSubscription }),
  });
  const scripts = createScriptTranslator();
  const expectedAuth = encoder.encode(`Bearer ${options.token}`);

  function authorized(request: Request): boolean {
    const given = encoder.encode(request.headers.get("authorization") ?? "");
    // Constant time, so response timing does not reveal how much of the token matched.
    let difference = given.length ^ expectedAuth.length;
    for (let i = 0; i < expectedAuth.length; i++) {
      difference |= expectedAuth[i]! ^ (given[i] ?? 0);
    }
    return difference === 0;
  }

  async function prepare(raw: unknown): Promise<TranslatedCommand> {
    return await scripts.translate(parseCommand(raw));
  }

  function mapped(command: TranslatedCommand, reply: RespValue): RespValue {
    return command.mapReply ? command.mapReply(reply) : reply;
  }

  async function single(raw: unknown, base64: boolean): Promise<Response> {
    const command = await prepare(raw);
    const [reply = null] = await pool.exec([command.args]);
    const entry = toUpstashEntry(mapped(command, reply), base64);
    return Response.json(entry, { status: "error" in entry ? 400 : 200 });
  }

  async function pipeline(raw: unknown, base64: boolean): Promise<Response> {
    const commands = commandList(raw);
    // A bad command fails alone, as it would in a Redis pipeline.
    const prepared = await Promise.all(commands.map((c) => prepare(c).catch((e: Error) => e)));
    const runnable = prepared.filter((p): p is TranslatedCommand => !(p instanceof Error));
    const replies = runnable.length > 0 ? await pool.exec(runnable.map((p) => p.args)) : [];
    let next = 0;
    const entries = prepared.map((p): UpstashEntry =>
      p instanceof Error
        ? { error: p.message }
        : toUpstashEntry(mapped(p, replies[next++] ?? null), base64)
    );
    return Response.json(entries);
  }

  async function multiExec(raw: unknown, base64: boolean): Promise<Response> {
    const commands = await Promise.all(commandList(raw).map(prepare));
    const replies = await pool.exec([["MULTI"], ...commands.map((c) => c.args), ["EXEC"]]);
    const exec = replies.at(-1);
    if (!Array.isArray(exec)) {
      // EXECABORT says only "previous errors"; the queueing error says which.
      const queued = replies.slice(1, -1).find((r) => r instanceof RedisReplyError);
      const reason = exec instanceof RedisReplyError ? exec.message : "ERR transaction aborted";
      return Response.json({ error: queued ? `${reason} ${queued.message}` : reason }, {
        status: 400,
      });
    }
    return Response.json(
      commands.map((c, i) => toUpstashEntry(mapped(c, exec[i] ?? null), base64)),
    );
  }

  async function health(): Promise<Response> {
    try {
      await pool.exec([["PING"]]);
      return Response.json({ status: "ok" });
    } catch (error) {
      return Response.json({ status: "unavailable", error: String(error) }, { status: 503 });
    }
  }

  async function route(request: Request, url: URL): Promise<Response> {
    if (request.method !== "POST" && request.method !== "GET") {
      throw new UpstashRequestError(`ERR method ${request.method} is not allowed`, 405);
    }
    const base64 = request.headers.get("upstash-encoding")?.toLowerCase() === "base64";
    if (request.method === "POST" && url.pathname === "/") {
      return await single(await jsonBody(request), base64);
    }
    if (request.method === "POST" && url.pathname === "/pipeline") {
      return await pipeline(await jsonBody(request), base64);
    }
    if (request.method === "POST" && url.pathname === "/multi-exec") {
      return await multiExec(await jsonBody(request), base64);
    }
    // Path style, as in Upstash's curl examples: POST /set/key with the value as the body.
    const args = pathArgs(url.pathname);
    const name = args[0]?.toLowerCase();
    if (name === "subscribe" || name === "psubscribe") {
      return await subscriptions.open(name, args.slice(1));
    }
    const body = request.method === "POST" ? await request.text() : "";
    return await single(body === "" ? args : [...args, body], base64);
  }

  return {
    async fetch(request) {
      const url = new URL(request.url);
      if (request.method === "GET" && url.pathname === "/") return await health();
      if (!authorized(request)) return Response.json({ error: "Unauthorized" }, { status: 401 });
      try {
        return await route(request, url);
      } catch (error) {
        if (error instanceof UpstashRequestError) {
          return Response.json({ error: error.message }, { status: error.status });
        }
        if (error instanceof RedisConnectionError) {
          return Response.json({ error: `ERR ${error.message}` }, { status: 503 });
        }
        return Response.json({ error: `ERR internal proxy error: ${error}` }, { status: 500 });
      }
    },
    drain: () => subscriptions.drain(),
    async close() {
      await subscriptions.drain();
      await pool.close();
    },
  };
}

function commandList(raw: unknown): unknown[] {
  if (!Array.isArray(raw) || raw.length === 0) {
    throw new UpstashRequestError("ERR the body must be a non-empty JSON array of commands");
  }
  return raw;
}

async function jsonBody(request: Request): Promise<unknown> {
  const text = await request.text();
  try {
    return JSON.parse(text);
  } catch {
    throw new UpstashRequestError("ERR the request body is not valid JSON");
  }
}

function pathArgs(pathname: string): string[] {
  try {
    return pathname.slice(1).split("/").map(decodeURIComponent);
  } catch {
    throw new UpstashRequestError(`ERR the path "${pathname}" is not validly percent-encoded`);
  }
}
