/**
 * One TCP (or TLS) connection to Redis that runs a batch of commands at a
 * time: the whole batch goes out in one write and exactly one reply per
 * command is read back. Callers get exclusive use from {@link ./redis_pool.ts},
 * so replies can never be handed to the wrong request. A subscriber
 * ({@link ./upstash_subscribe.ts}) owns one outright and uses `send` and
 * `read` apart, since Redis pushes messages that answer no command.
 *
 * @module
 */
import {
  concatBytes,
  encodeCommand,
  RedisReplyError,
  RespDecoder,
  type RespValue,
} from "./resp.ts";

/** Where Redis is and how to log in. */
export interface RedisConnectionOptions {
  hostname: string;
  port: number;
  /** `rediss://` URLs connect with TLS. */
  tls?: boolean;
  username?: string;
  password?: string;
  /** Database index selected once per connection. */
  db?: number;
}

/** One command: its name and arguments. */
export type RedisCommand = readonly (string | Uint8Array)[];

/** Thrown when the connection fails; it is closed and must be discarded. */
export class RedisConnectionError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "RedisConnectionError";
  }
}

/** A connection that runs one batch of commands at a time. */
export class RedisConnection {
  readonly #conn: Deno.Conn;
  readonly #decoder = new RespDecoder();
  readonly #chunk = new Uint8Array(64 * 1024);
  #broken = false;

  private constructor(conn: Deno.Conn) {
    this.#conn = conn;
  }

  /** Connects, then authenticates and selects the database when asked to. */
  static async open(options: RedisConnectionOptions): Promise<RedisConnection> {
    const { hostname, port } = options;
    let conn: Deno.Conn;
    try {
      conn = options.tls
        ? await Deno.connectTls({ hostname, port })
        : await Deno.connect({ hostname, port });
    } catch (error) {
      throw new RedisConnectionError(`Cannot connect to Redis at ${hostname}:${port}`, {
        cause: error,
      });
    }
    const connection = new RedisConnection(conn);
    const setup: RedisCommand[] = [];
    if (options.password !== undefined) {
      setup.push(
        options.username ? ["AUTH", options.username, options.password] : [
          "AUTH",
          options.password,
        ],
      );
    }
    if (options.db) setup.push(["SELECT", String(options.db)]);
    if (setup.length > 0) {
      const replies = await connection.exec(setup);
      const failure = replies.find((r) => r instanceof RedisReplyError);
      if (failure) {
        connection.close();
        throw new RedisConnectionError(`Redis rejected the connection setup: ${failure.message}`);
      }
    }
    return connection;
  }

  /** True once a read or write failed; the pool then discards the connection. */
  get broken(): boolean {
    return this.#broken;
  }

  /** Sends every command in one write and returns their replies in order. */
  async exec(commands: readonly RedisCommand[]): Promise<RespValue[]> {
    await this.send(commands);
    const replies: RespValue[] = [];
    while (replies.length < commands.length) replies.push(await this.read());
    return replies;
  }

  /**
   * Writes commands without waiting for replies: for pub/sub, where Redis
   * pushes messages that answer no command. Pair with {@linkcode read}.
   */
  async send(commands: readonly RedisCommand[]): Promise<void> {
    await this.#guard(() => this.#writeAll(concatBytes(commands.map(encodeCommand))));
  }

  /** Reads the next reply or pushed message. */
  read(): Promise<RespValue> {
    return this.#guard(async () => {
      while (true) {
        const reply = this.#decoder.next();
        if (reply !== undefined) return reply;
        const n = await this.#conn.read(this.#chunk);
        if (n === null) throw new RedisConnectionError("Redis closed the connection");
        this.#decoder.push(this.#chunk.subarray(0, n));
      }
    });
  }

  async #guard<T>(io: () => Promise<T>): Promise<T> {
    if (this.#broken) throw new RedisConnectionError("The Redis connection is closed");
    try {
      return await io();
    } catch (error) {
      // A half-read reply would desynchronise every later batch.
      this.close();
      if (error instanceof RedisConnectionError) throw error;
      throw new RedisConnectionError("Lost the connection to Redis", { cause: error });
    }
  }

  /** Closes the socket; safe to call twice. */
  close(): void {
    if (this.#broken) return;
    this.#broken = true;
    try {
      this.#conn.close();
    } catch {
      // Already closed by the peer.
    }
  }

  async #writeAll(bytes: Uint8Array): Promise<void> {
    let offset = 0;
    while (offset < bytes.length) offset += await this.#conn.write(bytes.subarray(offset));
  }
}

/**
 * Reads `redis://[[user]:password@]host[:port][/db]` (or `rediss://` for TLS)
 * into connection options.
 *
 * @throws {TypeError} naming the URL when it is not a Redis URL.
 */
export function parseRedisUrl(url: string): RedisConnectionOptions {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (error) {
    throw new TypeError(`Invalid Redis URL "${url}": expected redis://host:port`, {
      cause: error,
    });
  }
  if (parsed.protocol !== "redis:" && parsed.protocol !== "rediss:") {
    throw new TypeError(`Invalid Redis URL "${url}": expected the redis:// or rediss:// scheme`);
  }
  const db = parsed.pathname.replace(/^\//, "");
  if (db !== "" && !/^\d+$/.test(db)) {
    throw new TypeError(`Invalid Redis URL "${url}": the path must be a database number`);
  }
  const options: RedisConnectionOptions = {
    hostname: parsed.hostname.replace(/^\[(.*)\]$/, "$1") || "127.0.0.1",
    port: parsed.port === "" ? 6379 : Number(parsed.port),
    tls: parsed.protocol === "rediss:",
  };
  if (parsed.password !== "") options.password = decodeURIComponent(parsed.password);
  if (parsed.username !== "") options.username = decodeURIComponent(parsed.username);
  if (db !== "") options.db = Number(db);
  return options;
}
