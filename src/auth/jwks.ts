/**
 * Tokens from an external identity provider (Auth0, Keycloak, Cognito,
 * Entra ID...), verified with `jose` against the provider's JSON Web Key Set
 * at `JWKS_URL`, and optionally its issuer and audience. Keys are fetched
 * once, cached, and refetched when a token names an unknown `kid` (at most
 * every 30 s), so a key rotation needs no restart.
 *
 * @example
 * ```ts
 * const verifier = createJwksVerifier({ url: "https://idp.example/.well-known/jwks.json" });
 * const claims = await verifier.verify(token); // JwtClaims, or throws JwtError
 * ```
 * @module
 */
import { createRemoteJWKSet, errors, jwtVerify } from "jose";
import { checkClaims, CLOCK_LEEWAY_SECONDS, type JwtClaims, JwtError } from "./jwt.ts";

/** Asymmetric algorithms only: an HMAC token must never be checked against a public key. */
export const JWKS_ALGORITHMS = [
  "RS256",
  "RS384",
  "RS512",
  "PS256",
  "PS384",
  "PS512",
  "ES256",
  "ES384",
  "ES512",
  "EdDSA",
  "Ed25519",
];

/** Thrown when the provider's keys cannot be fetched: the server's problem, not the token's. */
export class JwksUnavailableError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "JwksUnavailableError";
  }
}

/** Options for {@linkcode createJwksVerifier}. */
export interface JwksVerifierOptions {
  url: string;
  issuer?: string | undefined;
  audience?: string | undefined;
  /** Milliseconds to wait for the key set. Default 5000. */
  timeoutMs?: number;
  /** Least milliseconds between two fetches prompted by unknown `kid`s. Default 30 000. */
  cooldownMs?: number;
}

/** Verifies tokens against a remote key set. */
export interface JwksVerifier {
  /** @throws {JwtError} for a bad token, {@linkcode JwksUnavailableError} when keys are unreachable. */
  verify(token: string): Promise<JwtClaims>;
}

/** Errors that mean the key set could not be had, whatever the token. */
const UNAVAILABLE = new Set(["ERR_JWKS_TIMEOUT", "ERR_JWKS_INVALID", "ERR_JOSE_GENERIC"]);

/** Creates a verifier; nothing is fetched until the first token arrives. */
export function createJwksVerifier(options: JwksVerifierOptions): JwksVerifier {
  const keys = createRemoteJWKSet(new URL(options.url), {
    timeoutDuration: options.timeoutMs ?? 5000,
    cooldownDuration: options.cooldownMs ?? 30_000,
    cacheMaxAge: 10 * 60_000,
  });
  return {
    async verify(token) {
      let payload: Record<string, unknown>;
      try {
        ({ payload } = await jwtVerify(token, keys, {
          algorithms: JWKS_ALGORITHMS,
          clockTolerance: CLOCK_LEEWAY_SECONDS,
          ...(options.issuer === undefined ? {} : { issuer: options.issuer }),
          ...(options.audience === undefined ? {} : { audience: options.audience }),
        }));
      } catch (error) {
        throw translate(error, options.url);
      }
      return checkClaims(payload);
    },
  };
}

function translate(error: unknown, url: string): Error {
  if (error instanceof errors.JOSEError && !UNAVAILABLE.has(error.code)) {
    return new JwtError(describe(error), { cause: error });
  }
  // Network failures surface as TypeError from fetch; generic JOSE errors
  // here are "Expected 200 OK" from the key set's server.
  return new JwksUnavailableError(
    `The identity provider's key set at ${url} could not be fetched; try again shortly.`,
    { cause: error },
  );
}

function describe(error: InstanceType<typeof errors.JOSEError>): string {
  switch (error.code) {
    case "ERR_JWT_EXPIRED":
      return "Token has expired.";
    case "ERR_JWS_SIGNATURE_VERIFICATION_FAILED":
      return "Token signature is invalid.";
    case "ERR_JOSE_ALG_NOT_ALLOWED":
      return `Token algorithm is not one of ${JWKS_ALGORITHMS.join(", ")}.`;
    case "ERR_JWKS_NO_MATCHING_KEY":
      return "Token was signed with a key the identity provider does not publish.";
    case "ERR_JWT_CLAIM_VALIDATION_FAILED":
      return `Token claim check failed: ${error.message}.`;
    default:
      return `Malformed token: ${error.message}.`;
  }
}
