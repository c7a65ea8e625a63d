/**
 * Turns a request's credentials into the viewer. In the development profile
 * a request without a token acts as the single local user `local`; staging
 * and production reject it. A token that is sent is always verified, in
 * every profile, so a bad token never silently falls back to `local`.
 *
 * @module
 */
import type { Config } from "../config.ts";
import type { Viewer } from "../graphql/context.ts";
import { UnauthenticatedError } from "../graphql/errors.ts";
import { JwtError, verifyJwt } from "./jwt.ts";

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
  const secret = config.security.secretKey;
  if (secret === undefined) {
    throw new UnauthenticatedError(
      "This server has no SECRET_KEY, so it cannot verify tokens; send no token in development.",
    );
  }
  try {
    const claims = await verifyJwt(token, secret, { algorithm: config.security.algorithm });
    const roles = (claims.roles ?? []).filter((r): r is string => typeof r === "string");
    return { id: claims.sub, roles, anonymous: false };
  } catch (error) {
    if (error instanceof JwtError) {
      throw new UnauthenticatedError(`Invalid token: ${error.message}`);
    }
    throw error;
  }
}
