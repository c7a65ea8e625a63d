/**
 * Development's tokenless `local` user is for this machine only: requests
 * addressed by a DNS name other than localhost (how DNS rebinding reaches a
 * loopback server from a web page) must send a token. It is no admin unless
 * `DEV_LOCAL_ADMIN=true`, and the start-up log says which.
 */
import assert from "node:assert/strict";
import { startTestApp } from "../support/app.ts";
import { isLocalHost } from "../../src/auth/viewer.ts";
import { signJwt } from "../../src/auth/jwt.ts";
import { badInput } from "../support/tally.ts";
import { startServer } from "../support/server_process.ts";
import { ConfigError, loadConfig } from "../../src/config.ts";

const SECRET = "dev-local-secret-0123456789";
const VIEWER = "{ viewer { id } }";

Deno.test("isLocalHost: localhost and IP literals only", () => {
  for (
    const host of [
      null,
      "localhost",
      "localhost:8000",
      "app.localhost:5173",
      "127.0.0.1:8000",
      "192.168.1.5",
      "[::1]:8000",
    ]
  ) {
    assert.ok(isLocalHost(host), String(host));
  }
  for (
    const host of [
      "evil.example",
      "evil.example:8000",
      "localhost.evil.example",
      "127.0.0.1.nip.io",
    ]
  ) {
    assert.ok(!isLocalHost(host), host);
  }
});

Deno.test("the local user answers only to local hosts; tokens work from anywhere", async () => {
  const app = await startTestApp({ SECRET_KEY: SECRET });
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, app.fetch);
  const port = server.addr.port;
  /** fetch() will not send a chosen Host header, so speak HTTP/1.1 by hand. */
  const ask = async (host: string, headers: Record<string, string> = {}) => {
    const body = JSON.stringify({ query: VIEWER });
    const head = Object.entries({
      host,
      "content-type": "application/json",
      "content-length": String(new TextEncoder().encode(body).length),
      connection: "close",
      ...headers,
    }).map(([k, v]) => `${k}: ${v}`).join("\r\n");
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    await conn.write(new TextEncoder().encode(`POST /graphql HTTP/1.1\r\n${head}\r\n\r\n${body}`));
    const text = await new Response(conn.readable).text();
    return JSON.parse(text.slice(text.indexOf("\r\n\r\n") + 4));
  };
  /** The status line of a WebSocket upgrade sent with a chosen Host and Origin. */
  const upgrade = async (host: string, origin: string) => {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    const head = [
      "GET /graphql HTTP/1.1",
      `host: ${host}`,
      `origin: ${origin}`,
      "upgrade: websocket",
      "connection: Upgrade",
      "sec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==",
      "sec-websocket-version: 13",
      "sec-websocket-protocol: graphql-transport-ws",
    ].join("\r\n");
    await conn.write(new TextEncoder().encode(`${head}\r\n\r\n`));
    const buffer = new Uint8Array(256);
    const n = await conn.read(buffer);
    conn.close();
    return new TextDecoder().decode(buffer.subarray(0, n ?? 0)).split("\r\n")[0];
  };
  try {
    for (
      const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`, `10.1.2.3:${port}`]
    ) {
      assert.deepEqual((await ask(host)).data, { viewer: { id: "local" } }, host);
    }
    badInput("tokenless request to a rebound DNS name");
    const rebound = await ask(`evil.example:${port}`);
    assert.equal(rebound.errors?.[0]?.extensions?.code, "UNAUTHENTICATED");
    assert.match(rebound.errors?.[0]?.message, /only when sent to localhost or an IP address/);
    const token = await signJwt({ sub: "dana" }, SECRET);
    const withToken = await ask(`devbox.example:${port}`, { authorization: `Bearer ${token}` });
    assert.deepEqual(withToken.data, { viewer: { id: "dana" } });

    // A page served by this host under any name (GraphiQL) may open a socket;
    // tokenless, it still gets no local user (tests/limits/real_browser_test.ts).
    const devbox = `devbox.example:${port}`;
    assert.match(await upgrade(devbox, `http://${devbox}`) ?? "", / 101 /);
    badInput("WebSocket upgrade from a foreign origin");
    assert.match(await upgrade(devbox, "http://evil.example") ?? "", / 403 /);
  } finally {
    app.drain();
    await server.shutdown();
    await app.close();
  }
});

const ROLES = "{ viewer { id roles } }";
const START_TASK = `mutation { updateTaskStatus(input: {taskId: "arch_001", status: IN_PROGRESS}) {
  id status } }`;

Deno.test("the local user is no admin by default, and one with DEV_LOCAL_ADMIN=true", async () => {
  assert.equal(loadConfig({}).security.devLocalAdmin, false);
  assert.throws(() => loadConfig({ DEV_LOCAL_ADMIN: "maybe" }), ConfigError);
  const plain = await startTestApp();
  try {
    assert.deepEqual((await plain.graphql(ROLES)).data, { viewer: { id: "local", roles: [] } });
    const refused = await plain.graphql(START_TASK);
    assert.equal(refused.errors?.[0]?.extensions?.code, "FORBIDDEN", JSON.stringify(refused));
  } finally {
    await plain.close();
  }
  const admin = await startTestApp({ DEV_LOCAL_ADMIN: "true" });
  try {
    assert.deepEqual((await admin.graphql(ROLES)).data, {
      viewer: { id: "local", roles: ["admin"] },
    });
    assert.deepEqual((await admin.graphql(START_TASK)).data, {
      updateTaskStatus: { id: "arch_001", status: "IN_PROGRESS" },
    });
  } finally {
    await admin.close();
  }
  // Outside development there is no tokenless user to make an admin.
  const staging = await startTestApp({
    ENVIRONMENT: "staging",
    SECRET_KEY: SECRET,
    DEV_LOCAL_ADMIN: "true",
  });
  try {
    assert.equal((await staging.graphql(ROLES)).errors?.[0]?.extensions?.code, "UNAUTHENTICATED");
  } finally {
    await staging.close();
  }
});

Deno.test("the start-up log says whether the local user is an admin", async () => {
  const server = await startServer({ DEV_LOCAL_ADMIN: "true" });
  try {
    const line = server.logs.find((l) => String(l.message).includes("local user `local`"));
    assert.equal(line?.level, "WARNING");
    assert.match(String(line?.message), /an admin \(DEV_LOCAL_ADMIN=true\)/);
    assert.equal(line?.local_user_admin, true);
  } finally {
    assert.equal(await server.stop(), 0);
  }
});
