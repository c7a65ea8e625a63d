/**
 * HMAC-signed JSON Web Tokens (HS256/384/512) with the Web Crypto API, for
 * the design's `SECRET_KEY` tokens. Tokens from an external identity
 * provider are verified by {@link ./jwks.ts} instead; both end in
 * {@linkcode checkClaims}, so every token obeys the same claim rules.
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
  nbf?: number;
  [claim: string]: unknown;
}

/** An HMAC algorithm name as it appears in the JWT header. */
export type HmacAlgorithm = "HS256" | "HS384" | "HS512";

/** Thrown when a token is malformed, badly signed, expired or has bad claims. */
export class JwtError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "JwtError";
  }
}

/** Seconds of clock skew tolerated between us and whoever issued the token. */
export const CLOCK_LEEWAY_SECONDS = 30;
/** A `sub` longer than this is refused: it becomes `owner_id` in every table. */
export const MAX_SUBJECT_LENGTH = 255;
/** Lifetime {@linkcode signJwt} gives a token that names none, in seconds. */
export const DEFAULT_TTL_SECONDS = 3600;

const HASH: Record<HmacAlgorithm, string> = {
  HS256: "SHA-256",
  HS384: "SHA-384",
  HS512: "SHA-512",
};
const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

function base64url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

function fromBase64url(text: string): Uint8Array<ArrayBuffer> {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new JwtError("Malformed token: not base64url.");
  const padded = text.replaceAll("-", "+").replaceAll("_", "/") +
    "=".repeat((4 - text.length % 4) % 4);
  return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
}

/** Decodes one base64url JSON segment; anything but a JSON object is a JwtError. */
function decodeObject(segment: string, name: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(fromBase64url(segment)));
  } catch (cause) {
    throw new JwtError(`Malformed token: the ${name} is not base64url-encoded JSON.`, { cause });
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new JwtError(`Malformed token: the ${name} is not a JSON object.`);
  }
  return value as Record<string, unknown>;
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

/**
 * Signs `claims`, adding `iat`, and `exp` (default: one hour from now) unless
 * the claims carry their own: every token Graphmind accepts must expire.
 */
export async function signJwt(
  claims: JwtClaims,
  secret: string,
  options: { algorithm?: HmacAlgorithm; expiresInSeconds?: number; nowSeconds?: number } = {},
): Promise<string> {
  const algorithm = options.algorithm ?? "HS256";
  const now = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  const body = { iat: now, ...claims } as JwtClaims;
  if (options.expiresInSeconds !== undefined) body.exp = now + options.expiresInSeconds;
  else if (body.exp === undefined) body.exp = now + DEFAULT_TTL_SECONDS;
  const head = base64url(encoder.encode(JSON.stringify({ alg: algorithm, typ: "JWT" })));
  const payload = base64url(encoder.encode(JSON.stringify(body)));
  const key = await importKey(secret, algorithm);
  const signature = await crypto.subtle.sign("HMAC", key, encoder.encode(`${head}.${payload}`));
  return `${head}.${payload}.${base64url(new Uint8Array(signature))}`;
}

/**
 * Verifies the signature with the configured algorithm only (a token cannot
 * choose its own, which defeats `alg: none` attacks), then the claims.
 *
 * @throws {JwtError} for anything wrong with the token, never another error.
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
  const header = decodeObject(head, "header");
  const claims = decodeObject(payload, "payload");
  if (header.alg !== algorithm) {
    throw new JwtError(`Token algorithm ${JSON.stringify(header.alg)} is not ${algorithm}.`);
  }
  if (header.crit !== undefined) {
    throw new JwtError("Token header has `crit` extensions this server does not understand.");
  }
  const key = await importKey(secret, algorithm);
  const valid = await crypto.subtle.verify(
    "HMAC",
    key,
    fromBase64url(signature),
    encoder.encode(`${head}.${payload}`),
  );
  if (!valid) throw new JwtError("Token signature is invalid.");
  return checkClaims(claims, options.nowSeconds);
}

/**
 * The claim rules every accepted token obeys, whoever signed it: a numeric
 * `exp` in the future, `nbf` and `iat` not in the future, a non-empty `sub`
 * of at most {@linkcode MAX_SUBJECT_LENGTH} characters, and `roles`, when
 * present, an array of strings. {@linkcode CLOCK_LEEWAY_SECONDS} of skew is
 * allowed each way.
 */
export function checkClaims(
  claims: Record<string, unknown>,
  nowSeconds = Math.floor(Date.now() / 1000),
): JwtClaims {
  const { exp, nbf, iat, sub, roles } = claims;
  if (typeof exp !== "number" || !Number.isFinite(exp)) {
    throw new JwtError("Token has no numeric `exp` claim; every token must expire.");
  }
  if (exp <= nowSeconds - CLOCK_LEEWAY_SECONDS) throw new JwtError("Token has expired.");
  for (const [name, value] of [["nbf", nbf], ["iat", iat]] as const) {
    if (value === undefined) continue;
    if (typeof value !== "number" || !Number.isFinite(value)) {
      throw new JwtError(`Token claim \`${name}\` must be a number of seconds.`);
    }
    if (value > nowSeconds + CLOCK_LEEWAY_SECONDS) {
      throw new JwtError(
        name === "nbf" ? "Token is not valid yet (`nbf`)." : "Token was issued in the future.",
      );
    }
  }
  if (typeof sub !== "string" || sub === "") {
    throw new JwtError("Token has no `sub` claim naming the user.");
  }
  if (sub.length > MAX_SUBJECT_LENGTH) {
    throw new JwtError(`Token claim \`sub\` is longer than ${MAX_SUBJECT_LENGTH} characters.`);
  }
  if (roles !== undefined && (!Array.isArray(roles) || roles.some((r) => typeof r !== "string"))) {
    throw new JwtError("Token claim `roles` must be an array of strings.");
  }
  return claims as JwtClaims;
}
