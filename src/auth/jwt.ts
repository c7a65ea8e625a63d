/**
 * HMAC-signed JSON Web Tokens (HS256/384/512) with the Web Crypto API, so no
 * extra dependency is needed for the design's `SECRET_KEY` tokens.
 *
 * @example
 * ```ts
 * const token = await signJwt({ sub: "alice" }, "a-secret-of-16-chars", { expiresInSeconds: 60 });
 * const claims = await verifyJwt(token, "a-secret-of-16-chars");
 * console.log(claims.sub); // "alice"
 * ```
 * @module
 */

/** The claims Graphmind reads. */
export interface JwtClaims {
  sub: string;
  roles?: string[];
  exp?: number;
  iat?: number;
  [claim: string]: unknown;
}

/** An HMAC algorithm name as it appears in the JWT header. */
export type HmacAlgorithm = "HS256" | "HS384" | "HS512";

/** Thrown when a token is malformed, badly signed or expired. */
export class JwtError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "JwtError";
  }
}

const HASH: Record<HmacAlgorithm, string> = {
  HS256: "SHA-256",
  HS384: "SHA-384",
  HS512: "SHA-512",
};
const encoder = new TextEncoder();
const decoder = new TextDecoder();

function base64url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

function fromBase64url(text: string): Uint8Array<ArrayBuffer> {
  const padded = text.replaceAll("-", "+").replaceAll("_", "/") +
    "=".repeat((4 - text.length % 4) % 4);
  return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
}

function importKey(secret: string, algorithm: HmacAlgorithm): Promise<CryptoKey> {
  return crypto.subtle.importKey(
    "raw",
    encoder.encode(secret),
    { name: "HMAC", hash: HASH[algorithm] },
    false,
    ["sign", "verify"],
  );
}

/** Signs `claims`, adding `iat` and, when asked, `exp`. */
export async function signJwt(
  claims: JwtClaims,
  secret: string,
  options: { algorithm?: HmacAlgorithm; expiresInSeconds?: number } = {},
): Promise<string> {
  const algorithm = options.algorithm ?? "HS256";
  const now = Math.floor(Date.now() / 1000);
  const body = { iat: now, ...claims } as JwtClaims;
  if (options.expiresInSeconds !== undefined) body.exp = now + options.expiresInSeconds;
  const head = base64url(encoder.encode(JSON.stringify({ alg: algorithm, typ: "JWT" })));
  const payload = base64url(encoder.encode(JSON.stringify(body)));
  const key = await importKey(secret, algorithm);
  const signature = await crypto.subtle.sign("HMAC", key, encoder.encode(`${head}.${payload}`));
  return `${head}.${payload}.${base64url(new Uint8Array(signature))}`;
}

/**
 * Verifies the signature with the configured algorithm only (a token cannot
 * choose its own, which defeats `alg: none` attacks), then `exp` and `sub`.
 */
export async function verifyJwt(
  token: string,
  secret: string,
  options: { algorithm?: HmacAlgorithm; nowSeconds?: number } = {},
): Promise<JwtClaims> {
  const algorithm = options.algorithm ?? "HS256";
  const parts = token.split(".");
  if (parts.length !== 3) {
    throw new JwtError("Malformed token: expected three dot-separated parts.");
  }
  const [head, payload, signature] = parts as [string, string, string];
  let header: { alg?: unknown };
  let claims: JwtClaims;
  try {
    header = JSON.parse(decoder.decode(fromBase64url(head)));
    claims = JSON.parse(decoder.decode(fromBase64url(payload)));
  } catch (cause) {
    throw new JwtError("Malformed token: header or payload is not base64url JSON.", { cause });
  }
  if (header.alg !== algorithm) {
    throw new JwtError(`Token algorithm ${JSON.stringify(header.alg)} is not ${algorithm}.`);
  }
  const key = await importKey(secret, algorithm);
  const valid = await crypto.subtle.verify(
    "HMAC",
    key,
    fromBase64url(signature),
    encoder.encode(`${head}.${payload}`),
  );
  if (!valid) throw new JwtError("Token signature is invalid.");
  const now = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (typeof claims.exp === "number" && claims.exp <= now) throw new JwtError("Token has expired.");
  if (typeof claims.sub !== "string" || claims.sub === "") {
    throw new JwtError("Token has no `sub` claim naming the user.");
  }
  if (claims.roles !== undefined && !Array.isArray(claims.roles)) {
    throw new JwtError("Token claim `roles` must be an array of strings.");
  }
  return claims;
}
