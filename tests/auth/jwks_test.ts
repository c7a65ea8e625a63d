/**
 * External identity providers: a real JWKS endpoint served on loopback with
 * freshly generated RS256 keys, and the app verifying tokens against it.
 */
import assert from "node:assert/strict";
import { exportJWK, generateKeyPair, type JWK, SignJWT } from "jose";
import { startTestApp } from "../support/app.ts";
import { signJwt } from "../../src/auth/jwt.ts";
import { createJwksVerifier, JwksUnavailableError } from "../../src/auth/jwks.ts";
import { badInput } from "../support/tally.ts";

type KeyPair = Awaited<ReturnType<typeof generateKeyPair>>;

/** A JWKS server on a free port; `keys` is what it publishes, changeable at run time. */
function serveJwks() {
  const state = { keys: [] as JWK[], fetches: 0, status: 200 };
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (request) => {
    if (new URL(request.url).pathname !== "/.well-known/jwks.json") {
      return new Response("not found", { status: 404 });
    }
    state.fetches++;
    return Response.json({ keys: state.keys }, { status: state.status });
  });
  return {
    state,
    url: `http://127.0.0.1:${server.addr.port}/.well-known/jwks.json`,
    close: () => server.shutdown(),
  };
}

async function keyWithId(kid: string): Promise<{ pair: KeyPair; jwk: JWK }> {
  const pair = await generateKeyPair("RS256", { extractable: true });
  const jwk = { ...(await exportJWK(pair.publicKey)), kid, alg: "RS256", use: "sig" };
  return { pair, jwk };
}

const ISSUER = "https://idp.test/";
const AUDIENCE = "graphmind-api";

function idpToken(
  pair: KeyPair,
  kid: string,
  claims: Record<string, unknown> = {},
  options: { issuer?: string; audience?: string; ttl?: string | number } = {},
): Promise<string> {
  return new SignJWT({ roles: ["user"], ...claims })
    .setProtectedHeader({ alg: "RS256", kid })
    .setSubject("ext|alice")
    .setIssuer(options.issuer ?? ISSUER)
    .setAudience(options.audience ?? AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(options.ttl ?? "5m")
    .sign(pair.privateKey);
}

Deno.test("tokens from a JWKS identity provider authenticate; others do not", async (t) => {
  const jwks = serveJwks();
  const good = await keyWithId("k1");
  const stranger = await keyWithId("k1");
  jwks.state.keys = [good.jwk];
  const secret = "jwks-mode-secret-0123456789";
  const app = await startTestApp({
    ENVIRONMENT: "staging",
    JWKS_URL: jwks.url,
    JWT_ISSUER: ISSUER,
    JWT_AUDIENCE: AUDIENCE,
    SECRET_KEY: secret,
  });
  const viewerAs = (token: string) =>
    app.graphql("{ viewer { id roles anonymous } }", {}, { authorization: `Bearer ${token}` });
  const codeOf = async (token: string) => (await viewerAs(token)).errors?.[0]?.extensions?.code;
  try {
    await t.step("a token signed by the provider's key names the user", async () => {
      const body = await viewerAs(await idpToken(good.pair, "k1"));
      assert.deepEqual(body.data?.viewer, { id: "ext|alice", roles: ["user"], anonymous: false });
      assert.ok(app.logs.some((l) => l.message === "app ready" && l.auth === `jwks ${jwks.url}`));
    });

    await t.step("wrong issuer, wrong audience, expired and foreign keys are refused", async () => {
      const cases = {
        issuer: await idpToken(good.pair, "k1", {}, { issuer: "https://evil.test/" }),
        audience: await idpToken(good.pair, "k1", {}, { audience: "another-api" }),
        expired: await idpToken(good.pair, "k1", {}, { ttl: Math.floor(Date.now() / 1000) - 120 }),
        stranger: await idpToken(stranger.pair, "k1"),
        unknownKid: await idpToken(stranger.pair, "k9"),
        badRoles: await idpToken(good.pair, "k1", { roles: "admin" }),
      };
      badInput("JWKS: wrong issuer/audience, expired, foreign key, unknown kid, bad roles", 6);
      for (const [name, token] of Object.entries(cases)) {
        assert.equal(await codeOf(token), "UNAUTHENTICATED", name);
      }
    });

    await t.step("with JWKS_URL set, SECRET_KEY tokens are not accepted", async () => {
      badInput("JWKS mode: a SECRET_KEY token");
      const hs = await signJwt({ sub: "ext|alice", roles: ["admin"] }, secret);
      const body = await viewerAs(hs);
      assert.equal(body.errors?.[0]?.extensions?.code, "UNAUTHENTICATED");
      assert.match(body.errors?.[0]?.message ?? "", /algorithm/);
    });
  } finally {
    await app.close();
    await jwks.close();
  }
});

Deno.test("a rotated key is fetched on demand; an unreachable provider is INTERNAL", async () => {
  const jwks = serveJwks();
  const first = await keyWithId("2024");
  const second = await keyWithId("2025");
  jwks.state.keys = [first.jwk];
  const verifier = createJwksVerifier({ url: jwks.url, issuer: ISSUER, cooldownMs: 0 });
  try {
    assert.equal((await verifier.verify(await idpToken(first.pair, "2024"))).sub, "ext|alice");
    jwks.state.keys = [first.jwk, second.jwk];
    assert.equal((await verifier.verify(await idpToken(second.pair, "2025"))).sub, "ext|alice");
    assert.equal(jwks.state.fetches, 2, "the new kid caused exactly one refetch");
  } finally {
    await jwks.close();
  }
  const down = createJwksVerifier({ url: jwks.url, timeoutMs: 500 });
  await assert.rejects(down.verify(await idpToken(first.pair, "2024")), JwksUnavailableError);

  // Through the app: the client learns it is the server's fault, and it is logged.
  const broken = serveJwks();
  broken.state.status = 500;
  const app = await startTestApp({ ENVIRONMENT: "staging", JWKS_URL: broken.url });
  try {
    const body = await app.graphql("{ viewer { id } }", {}, {
      authorization: `Bearer ${await idpToken(first.pair, "2024")}`,
    });
    assert.equal(body.errors?.[0]?.extensions?.code, "INTERNAL");
    assert.match(body.errors?.[0]?.message ?? "", /key set at .* could not be fetched/);
    assert.ok(
      app.logs.some((l) => l.level === "ERROR" && l.message === "GraphQL operation failed"),
    );
  } finally {
    await app.close();
    await broken.close();
  }
});
