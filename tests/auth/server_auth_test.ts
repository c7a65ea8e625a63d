/**
 * The real server process and the real `deno task token`: development's
 * tokenless `local` user is announced in the log; staging refuses requests
 * without a token and accepts the task's token.
 */
import assert from "node:assert/strict";
import { startServer } from "../support/server_process.ts";
import { parseTtl } from "../../scripts/token.ts";
import { verifyJwt } from "../../src/auth/jwt.ts";

const SECRET = "server-auth-secret-0123456789";
const root = new URL("../../", import.meta.url);

async function tokenTask(args: string[], env: Record<string, string>) {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["task", "--quiet", "token", ...args],
    cwd: root.pathname,
    env,
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { code: output.code, stdout: decode(output.stdout), stderr: decode(output.stderr) };
}

async function viewer(url: string, token?: string) {
  const response = await fetch(`${url}/graphql`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
    },
    body: JSON.stringify({ query: "{ viewer { id roles } }" }),
  });
  return await response.json();
}

Deno.test("`deno task token` prints a token, or refuses clearly", async () => {
  const path = Deno.env.get("PATH") ?? "";
  const HOME = Deno.env.get("HOME") ?? "/tmp";
  const ok = await tokenTask(["--sub", "alice", "--roles", "admin,ops", "--ttl", "30m"], {
    SECRET_KEY: SECRET,
    PATH: path,
    HOME,
  });
  assert.equal(ok.code, 0, ok.stderr);
  const claims = await verifyJwt(ok.stdout.trim(), SECRET);
  assert.equal(claims.sub, "alice");
  assert.deepEqual(claims.roles, ["admin", "ops"]);
  assert.equal((claims.exp ?? 0) - (claims.iat ?? 0), 1800);
  assert.match(ok.stderr, /expires in 1800 s/);

  const noSecret = await tokenTask(["--sub", "alice"], { PATH: path, HOME });
  assert.equal(noSecret.code, 78);
  assert.equal(noSecret.stdout, "");
  assert.match(noSecret.stderr, /SECRET_KEY is not set/);

  const noSub = await tokenTask([], { SECRET_KEY: SECRET, PATH: path, HOME });
  assert.equal(noSub.code, 2);
  assert.match(noSub.stderr, /--sub is required/);

  const badTtl = await tokenTask(["--sub", "a", "--ttl", "soon"], {
    SECRET_KEY: SECRET,
    PATH: path,
    HOME,
  });
  assert.equal(badTtl.code, 2);
  assert.match(badTtl.stderr, /Invalid --ttl "soon"/);
  assert.deepEqual(["90s", "30m", "12h", "7d", "15", "0m", "1y"].map(parseTtl), [
    90,
    1800,
    43200,
    604800,
    900,
    undefined,
    undefined,
  ]);
});

Deno.test("the development server announces its tokenless local user", async () => {
  const server = await startServer({ SECRET_KEY: SECRET });
  try {
    const warning = server.logs.find((l) => String(l.message).includes("local user `local`"));
    assert.ok(warning, "no start-up log line about the local user");
    assert.equal(warning.level, "WARNING");
    assert.match(String(warning.message), /not an admin \(set DEV_LOCAL_ADMIN=true/);
    assert.equal(warning.local_user_admin, false);
    assert.deepEqual((await viewer(server.url)).data, {
      viewer: { id: "local", roles: [] },
    });
  } finally {
    assert.equal(await server.stop(), 0);
  }
});

Deno.test("the staging server requires a token and accepts the task's", async () => {
  const server = await startServer({ ENVIRONMENT: "staging", SECRET_KEY: SECRET });
  try {
    assert.ok(!server.logs.some((l) => String(l.message).includes("local user")));
    const anonymous = await viewer(server.url);
    assert.equal(anonymous.errors?.[0]?.extensions?.code, "UNAUTHENTICATED");
    const { stdout } = await tokenTask(["--sub", "bob"], {
      SECRET_KEY: SECRET,
      PATH: Deno.env.get("PATH") ?? "",
      HOME: Deno.env.get("HOME") ?? "/tmp",
    });
    assert.deepEqual((await viewer(server.url, stdout.trim())).data, {
      viewer: { id: "bob", roles: [] },
    });
  } finally {
    assert.equal(await server.stop(), 0);
  }
});
