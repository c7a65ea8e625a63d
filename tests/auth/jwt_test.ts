import assert from "node:assert/strict";
import { signJwt, verifyJwt } from "../../src/auth/jwt.ts";
import { resolveViewer } from "../../src/auth/viewer.ts";
import { loadConfig } from "../../src/config.ts";
import { AppError } from "../../src/graphql/errors.ts";

const SECRET = "test-secret-0123456789";

Deno.test("a signed token verifies and carries sub and roles", async () => {
  const token = await signJwt({ sub: "alice", roles: ["admin"] }, SECRET, {
    expiresInSeconds: 60,
  });
  const claims = await verifyJwt(token, SECRET);
  assert.equal(claims.sub, "alice");
  assert.deepEqual(claims.roles, ["admin"]);
  assert.ok(typeof claims.exp === "number");
});

Deno.test("tampered, expired, wrong-algorithm and sub-less tokens are rejected", async () => {
  const token = await signJwt({ sub: "alice" }, SECRET);
  const [head, , signature] = token.split(".");
  const forged = `${head}.${
    btoa(JSON.stringify({ sub: "mallory" })).replace(/=+$/, "")
  }.${signature}`;
  await assert.rejects(verifyJwt(forged, SECRET), /signature is invalid/);
  await assert.rejects(verifyJwt(token, "another-secret-123456"), /signature is invalid/);
  const expired = await signJwt({ sub: "alice", exp: 1 }, SECRET);
  await assert.rejects(verifyJwt(expired, SECRET), /expired/);
  const hs512 = await signJwt({ sub: "alice" }, SECRET, { algorithm: "HS512" });
  await assert.rejects(verifyJwt(hs512, SECRET), /"HS512" is not HS256/);
  const none = `${btoa('{"alg":"none"}')}.${btoa('{"sub":"root"}')}.`;
  await assert.rejects(verifyJwt(none, SECRET), /algorithm "none"/);
  const noSub = await signJwt({ sub: "" }, SECRET);
  await assert.rejects(verifyJwt(noSub, SECRET), /no `sub`/);
  await assert.rejects(verifyJwt("a.b", SECRET), /three dot-separated parts/);
});

Deno.test("development without a token acts as `local`; staging requires one", async () => {
  const dev = await resolveViewer(null, loadConfig({}));
  assert.equal(dev.id, "local");
  assert.equal(dev.anonymous, true);
  const staging = loadConfig({ ENVIRONMENT: "staging", SECRET_KEY: SECRET });
  await assert.rejects(resolveViewer(null, staging), (error: unknown) => {
    assert.ok(error instanceof AppError);
    assert.equal(error.code, "UNAUTHENTICATED");
    return true;
  });
  const token = await signJwt({ sub: "bob", roles: ["user"] }, SECRET);
  const bob = await resolveViewer(`Bearer ${token}`, staging);
  assert.deepEqual(bob, { id: "bob", roles: ["user"], anonymous: false });
});

Deno.test("a bad token never falls back to the local user, even in development", async () => {
  const config = loadConfig({ SECRET_KEY: SECRET });
  await assert.rejects(resolveViewer("Bearer not.a.token", config), /Invalid token/);
  await assert.rejects(resolveViewer("Basic abc", config), /Malformed Authorization header/);
});
