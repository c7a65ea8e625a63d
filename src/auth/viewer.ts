/**
 * Turns a request's credentials into the viewer. In the development profile
 * a request without a token acts as the single local user `local`; staging
 * and production reject it. A token that is sent is always verified, in
 * every profile, so a bad token never silently falls back to `local`.
 *
 * Tokens are HS256 (`ALGORITHM`) with `SECRET_KEY`, or, when `JWKS_URL` is
 * set, signed by that identity provider and only by it.
 *
 * @example
 * ```ts
 * const viewer = await resolveViewer(request.headers.get("authorization"), config);
 * console.log(viewer.id, viewer.roles);
 * ```
 * @module
 */
import type { Config } from "../config.ts";
import type { Viewer } from "../graphql/context.ts";
import { AppError, UnauthenticatedError } from "../graphql/errors.ts";
import { type JwtClaims, JwtError, verifyJwt } from "./jwt.ts";
import { createJwksVerifier, JwksUnavailableError } from "./jwks.ts";

/** The development profile's anonymous user. */
export const LOCAL_VIEWER: Viewer = Object.freeze({
  id: "local",
  roles: Object.freeze(["admin"]) as unknown as string[],
  anonymous: true,
});

/** Reads a bearer token from an `Authorization` value, if there is one. */
export function bearerToken(authorization: string | null | undefined): string | undefined {
  if (!authorization) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  if (!match) {
    throw new UnauthenticatedError(
      "Malformed Authorization header: expected `Bearer <JWT>`.",
    );
  }
  return match[1];
}

type Verify = (token: string) => Promise<JwtClaims>;

/** One verifier per configuration, so the JWKS key cache lives as long as the app. */
const verifiers = new WeakMap<Config, Verify>();

function verifierFor(config: Config): Verify {
  let verify = verifiers.get(config);
  if (verify === undefined) {
    const { jwksUrl, jwtIssuer, jwtAudience, secretKey, algorithm } = config.security;
    if (jwksUrl !== undefined) {
      const jwks = createJwksVerifier({ url: jwksUrl, issuer: jwtIssuer, audience: jwtAudience });
      verify = (token) => jwks.verify(token);
    } else if (secretKey !== undefined) {
      verify = (token) => verifyJwt(token, secretKey, { algorithm });
    } else {
      verify = () => {
        throw new UnauthenticatedError(
          "This server has no SECRET_KEY or JWKS_URL, so it cannot verify tokens; " +
            "send no token in development.",
        );
      };
    }
    verifiers.set(config, verify);
  }
  return verify;
}

/** Resolves the viewer from an `Authorization` value (header or connectionParams). */
export async function resolveViewer(
  authorization: string | null | undefined,
  config: Config,
): Promise<Viewer> {
  const token = bearerToken(authorization);
  if (token === undefined) {
    if (config.app.environment === "development") return LOCAL_VIEWER;
    throw new UnauthenticatedError();
  }
  try {
    const claims = await verifierFor(config)(token);
    return { id: claims.sub, roles: claims.roles ?? [], anonymous: false };
  } catch (error) {
    if (error instanceof JwtError) {
      throw new UnauthenticatedError(`Invalid token: ${error.message}`);
    }
    if (error instanceof JwksUnavailableError) {
      // The token may well be valid: this is ours to fix, not the client's.
      throw new AppError("INTERNAL", error.message, { cause: error });
    }
    throw error;
  }
}
