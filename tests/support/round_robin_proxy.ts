/**
 * A small TCP load balancer for multi-replica tests: each new connection goes
 * to the next replica in turn (or to the one the test asks for), bytes are
 * piped both ways untouched, every connection is recorded with the replica
 * it reached, and `cut()` drops every open connection at once, as a load
 * balancer restart or a network blip does.
 *
 * It balances connections, not requests: a client that reuses a kept-alive
 * connection keeps reaching the same replica. Give `fetch` a client without
 * idle connections (see {@linkcode freshConnectionClient}) to spread POSTs.
 *
 * @example
 * ```ts
 * const proxy = startRoundRobinProxy([{ port: a.port }, { port: b.port }]);
 * proxy.routeNextTo(1); // the next connection goes to b
 * const ws = new WebSocket(`${proxy.url.replace("http", "ws")}/graphql`, "graphql-transport-ws");
 * proxy.cut();
 * await proxy.close();
 * ```
 * @module
 */

/** Where a replica listens. */
export interface ProxyTarget {
  hostname?: string;
  port: number;
}

/** One connection the proxy accepted. */
export interface ProxiedConnection {
  /** 1-based, in the order they were accepted. */
  id: number;
  /** Index of the target it was handed to. */
  target: number;
  openedAt: number;
  /** Set once both sides are closed. */
  closedAt?: number;
  /** True when `cut()` closed it. */
  cut: boolean;
  /** Why the replica could not be reached, when it could not. */
  error?: string;
  /** Bytes the replica sent back on it. */
  bytesFromTarget: number;
  /** The start of what the replica sent (up to 160 bytes, as latin1), e.g. its status line. */
  head: string;
}

/** A running proxy. */
export interface RoundRobinProxy {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  port: number;
  /** Every connection so far, in order. */
  connections: ProxiedConnection[];
  /** Sends the next connection (only that one) to `target`, whatever the turn. */
  routeNextTo(target: number): void;
  /** Connections accepted so far per target index. */
  countsByTarget(): number[];
  /** Closes every open connection, both sides; resolves with how many it closed. */
  cut(): number;
  /** Stops listening and closes every connection. */
  close(): Promise<void>;
}

interface Open {
  record: ProxiedConnection;
  close(): void;
}

/**
 * Starts the proxy on 127.0.0.1 with a free port, or on `options.port`: a
 * test that closed a proxy (so connections to its port are refused) starts
 * a new one on the same port to bring the service back.
 */
export function startRoundRobinProxy(
  targets: ProxyTarget[],
  options: { port?: number } = {},
): RoundRobinProxy {
  if (targets.length === 0) throw new Error("startRoundRobinProxy needs at least one target.");
  const listener = Deno.listen({ hostname: "127.0.0.1", port: options.port ?? 0 });
  const connections: ProxiedConnection[] = [];
  const open = new Set<Open>();
  let turn = 0;
  let forced: number | undefined;
  let closed = false;

  function pick(): number {
    if (forced !== undefined) {
      const target = forced;
      forced = undefined;
      return target;
    }
    return turn++ % targets.length;
  }

  async function handle(client: Deno.TcpConn): Promise<void> {
    const index = pick();
    const record: ProxiedConnection = {
      id: connections.length + 1,
      target: index,
      openedAt: Date.now(),
      cut: false,
      bytesFromTarget: 0,
      head: "",
    };
    connections.push(record);
    const target = targets[index]!;
    let upstream: Deno.TcpConn;
    try {
      upstream = await Deno.connect({
        hostname: target.hostname ?? "127.0.0.1",
        port: target.port,
      });
    } catch (error) {
      // A dead replica: the client sees the connection refused as a reset.
      record.error = error instanceof Error ? error.message : String(error);
      closeQuietly(client);
      record.closedAt = Date.now();
      return;
    }
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    let done = false;
    const entry: Open = {
      record,
      close() {
        if (done) return;
        done = true;
        closeQuietly(client);
        closeQuietly(upstream);
        record.closedAt = Date.now();
        open.delete(entry);
      },
    };
    open.add(entry);
    // Client EOF half-closes upstream (the replica may still answer);
    // upstream EOF or any error ends the whole connection.
    // Both handlers are attached at once: a read on a socket `cut()` closed rejects.
    const fromClient = pump(client, upstream).then(() => upstream.closeWrite()).catch(() => {});
    await pump(upstream, client, (bytes) => {
      if (record.head.length < 160) {
        record.head += String.fromCharCode(...bytes.subarray(0, 160 - record.head.length));
      }
      record.bytesFromTarget += bytes.length;
    }).catch((error) => {
      record.error ??= error instanceof Error ? error.message : String(error);
    });
    entry.close();
    await fromClient;
  }

  (async () => {
    for (;;) {
      let conn: Deno.TcpConn;
      try {
        conn = await listener.accept();
      } catch {
        return; // listener closed
      }
      if (closed) {
        closeQuietly(conn);
        continue;
      }
      handle(conn).catch(() => {});
    }
  })();

  return {
    url: `http://127.0.0.1:${(listener.addr as Deno.NetAddr).port}`,
    port: (listener.addr as Deno.NetAddr).port,
    connections,
    routeNextTo(target) {
      if (!Number.isInteger(target) || target < 0 || target >= targets.length) {
        throw new Error(`No target ${target}: the proxy has ${targets.length}.`);
      }
      forced = target;
    },
    countsByTarget() {
      const counts = targets.map(() => 0);
      for (const connection of connections) counts[connection.target]!++;
      return counts;
    },
    cut() {
      const victims = [...open];
      for (const victim of victims) {
        victim.record.cut = true;
        victim.close();
      }
      return victims.length;
    },
    close() {
      closed = true;
      try {
        listener.close();
      } catch { /* already closed */ }
      for (const entry of [...open]) entry.close();
      return Promise.resolve();
    },
  };
}

/**
 * An HTTP client for `fetch` that keeps no idle connection, so every request
 * opens a new one and the proxy's turn moves on. Close it when done.
 */
export function freshConnectionClient(): Deno.HttpClient {
  return Deno.createHttpClient({ poolMaxIdlePerHost: 0 });
}

async function pump(
  from: Deno.Conn,
  to: Deno.Conn,
  onBytes: (bytes: Uint8Array) => void = () => {},
): Promise<void> {
  const buffer = new Uint8Array(64 * 1024);
  for (;;) {
    const n = await from.read(buffer);
    if (n === null) return;
    onBytes(buffer.subarray(0, n));
    let offset = 0;
    while (offset < n) offset += await to.write(buffer.subarray(offset, n));
  }
}

function closeQuietly(conn: Deno.Conn): void {
  try {
    conn.close();
  } catch { /* already closed */ }
}
