/**
 * A TCP proxy on loopback for the client tests: forwards every connection to
 * `target`, counts them, and `cut()` closes every open one at once (both
 * sides), as a dropped network would, while still accepting new ones.
 *
 * @module
 */

/** A running proxy. */
export interface TcpProxy {
  port: number;
  /** Connections accepted so far. */
  readonly accepted: number;
  /** Closes every open connection; returns how many were open. */
  cut(): number;
  close(): Promise<void>;
}

/** Starts a proxy to `127.0.0.1:targetPort` on a free port. */
export function startTcpProxy(targetPort: number): TcpProxy {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const open = new Set<{ client: Deno.Conn; upstream: Deno.Conn }>();
  const pumps = new Set<Promise<void>>();
  let accepted = 0;

  function closeQuietly(conn: Deno.Conn) {
    try {
      conn.close();
    } catch { /* already closed */ }
  }

  async function pipe(from: Deno.Conn, to: Deno.Conn) {
    try {
      await from.readable.pipeTo(to.writable, { preventClose: true });
    } catch { /* cut or reset */ }
  }

  async function serve(client: Deno.Conn) {
    let upstream: Deno.Conn;
    try {
      upstream = await Deno.connect({ hostname: "127.0.0.1", port: targetPort });
    } catch {
      closeQuietly(client);
      return;
    }
    const pair = { client, upstream };
    open.add(pair);
    await Promise.race([pipe(client, upstream), pipe(upstream, client)]);
    open.delete(pair);
    closeQuietly(client);
    closeQuietly(upstream);
  }

  const accepting = (async () => {
    for await (const client of listener) {
      accepted++;
      const pump = serve(client);
      pumps.add(pump);
      pump.finally(() => pumps.delete(pump));
    }
  })().catch(() => {});

  return {
    port: (listener.addr as Deno.NetAddr).port,
    get accepted() {
      return accepted;
    },
    cut() {
      const count = open.size;
      for (const { client, upstream } of open) {
        closeQuietly(client);
        closeQuietly(upstream);
      }
      open.clear();
      return count;
    },
    async close() {
      listener.close();
      await accepting;
      this.cut();
      await Promise.all(pumps);
    },
  };
}
