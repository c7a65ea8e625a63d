import assert from "node:assert/strict";
import { CLOCK_LEEWAY_SECONDS, JwtError, signJwt, verifyJwt } from "../../src/auth/jwt.ts";
import { resolveViewer } from "../../src/auth/viewer.ts";
import { loadConfig } from "../../src/config.ts";
import { AppError } from "../../src/core/errors.ts";

const SECRET = "test-secret-0123456789";

function b64(value: unknown): string {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return btoa(text).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/** A correctly HS256-signed token over an arbitrary header and payload. */
async function signRaw(header: unknown, payload: unknown): Promise<string> {
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(SECRET),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const input = `${b64(header)}.${b64(payload)}`;
  const mac = new Uint8Array(
    await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(input)),
  );
  return `${input}.${b64(String.fromCharCode(...mac))}`;
}

async function rejects(token: string, pattern: RegExp): Promise<void> {
  await assert.rejects(verifyJwt(token, SECRET), (error: unknown) => {
    assert.ok(error instanceof JwtError, `expected JwtError, got ${error}`);
    assert.match(error.message, pattern);
    return true;
  });
}

const now = () => Math.floor(Date.now() / 1000);

Deno.test("a signed token verifies and carries sub, roles and an expiry", async () => {
  const token = await signJwt({ sub: "alice", roles: ["admin"] }, SECRET, {
    expiresInSeconds: 60,
  });
  const claims = await verifyJwt(token, SECRET);
  assert.equal(claims.sub, "alice");
  assert.deepEqual(claims.roles, ["admin"]);
  assert.equal(claims.exp, (claims.iat ?? 0) + 60);
  const defaulted = await verifyJwt(await signJwt({ sub: "bob" }, SECRET), SECRET);
  assert.equal(defaulted.exp, (defaulted.iat ?? 0) + 3600, "signJwt gives every token an exp");
});

Deno.test("tampered, expired, wrong-algorithm and sub-less tokens are rejected", async () => {
  const token = await signJwt({ sub: "alice" }, SECRET);
  const [head, , signature] = token.split(".");
  await rejects(`${head}.${b64({ sub: "mallory", exp: now() + 60 })}.${signature}`, /signature/);
  await assert.rejects(verifyJwt(token, "another-secret-123456"), /signature is invalid/);
  await rejects(await signJwt({ sub: "alice", exp: 1 }, SECRET), /expired/);
  await rejects(await signJwt({ sub: "alice" }, SECRET, { algorithm: "HS512" }), /"HS512"/);
  await rejects(`${b64({ alg: "none" })}.${b64({ sub: "root" })}.`, /algorithm "none"/);
  await rejects(await signJwt({ sub: "" }, SECRET), /no `sub`/);
  await rejects("a.b", /three dot-separated parts/);
});

Deno.test("garbage in any segment is a JwtError, never a crash", async () => {
  await rejects("a.b.!!!", /not base64url/);
  await rejects("!!!.e30.sig", /header is not base64url/);
  await rejects(`${b64("[1]")}.${b64({})}.x`, /header is not a JSON object/);
  await rejects(`${b64("null")}.${b64({})}.x`, /header is not a JSON object/);
  await rejects(`${b64({ alg: "HS256" })}.${b64("42")}.x`, /payload is not a JSON object/);
  await rejects(`${b64({ alg: "HS256" })}.${b64("\xff\xfe")}.x`, /payload is not base64url/);
  await rejects(`${b64({ alg: "HS256" })}.${b64("{nope")}.x`, /payload is not base64url/);
  await rejects(`${b64({ alg: "HS256" })}.${b64({ sub: "a" })}.%%%`, /not base64url/);
});

Deno.test("claims: exp required and numeric, nbf and iat not in the future, roles strings", async () => {
  const t = now();
  const h = { alg: "HS256", typ: "JWT" };
  await rejects(await signRaw(h, { sub: "a" }), /no numeric `exp`/);
  await rejects(await signRaw(h, { sub: "a", exp: String(t + 60) }), /no numeric `exp`/);
  await rejects(await signRaw(h, { sub: "a", exp: t + 60, nbf: t + 600 }), /not valid yet/);
  await rejects(await signRaw(h, { sub: "a", exp: t + 60, iat: t + 600 }), /issued in the future/);
  await rejects(await signRaw(h, { sub: "a", exp: t + 60, iat: "yesterday" }), /`iat` must be/);
  await rejects(await signRaw(h, { sub: 7, exp: t + 60 }), /no `sub`/);
  await rejects(await signRaw(h, { sub: "a".repeat(256), exp: t + 60 }), /longer than 255/);
  await rejects(await signRaw(h, { sub: "a", exp: t + 60, roles: "admin" }), /array of strings/);
  await rejects(await signRaw(h, { sub: "a", exp: t + 60, roles: ["a", 1] }), /array of strings/);
  await rejects(await signRaw({ ...h, crit: ["b64"] }, { sub: "a", exp: t + 60 }), /crit/);
  // Small clock skew is tolerated both ways.
  const skewed = await signRaw(h, {
    sub: "a",
    exp: t - CLOCK_LEEWAY_SECONDS + 5,
    nbf: t + CLOCK_LEEWAY_SECONDS - 5,
    iat: t + 5,
  });
  assert.equal((await verifyJwt(skewed, SECRET)).sub, "a");
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
  await assert.rejects(resolveViewer("Bearer a.b.!!!", config), /Invalid token: Malformed/);
  await assert.rejects(resolveViewer("Basic abc", config), /Malformed Authorization header/);
  const noKey = loadConfig({});
  await assert.rejects(resolveViewer("Bearer a.b.c", noKey), /no SECRET_KEY or JWKS_URL/);
});
