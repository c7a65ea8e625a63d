/**
 * Turns a request's credentials into the viewer. In the development profile
 * a request without a token acts as the single local user `local` (with no
 * role, or the admin role when `DEV_LOCAL_ADMIN=true`); staging and
 * production reject it. A token that is sent is always verified, in
 * every profile, so a bad token never silently falls back to `local`.
 *
 * Tokens are HS256 (`ALGORITHM`) with `SECRET_KEY`, or, when `JWKS_URL` is
 * set, signed by that identity provider and only by it.
 *
 * The tokenless `local` user is only granted to requests addressed to
 * `localhost` or an IP address. A web page on another site could otherwise
 * use DNS rebinding (its own name resolving to 127.0.0.1) to make same-origin
 * requests that no CORS or CSRF check sees as foreign.
 *
 * @example
 * ```ts
 * const viewer = await resolveViewer(request.headers.get("authorization"), config);
 * console.log(viewer.id, viewer.roles);
 * ```
 * @module
 */
import type { Config } from "../config.ts";
import { AppError, UnauthenticatedError } from "../core/errors.ts";
import { type JwtClaims, JwtError, verifyJwt } from "./jwt.ts";
import { permissionsOf } from "./permissions.ts";
import { createJwksVerifier, JwksUnavailableError } from "./jwks.ts";

/** The authenticated user a request acts for. */
export interface Viewer {
  id: string;
  roles: string[];
  /** True for the development profile's anonymous local user. */
  anonymous: boolean;
  /**
   * What the viewer's agents may do with tools (src/core/tool.ts);
   * undefined grants every permission, as a token without `scope` does.
   */
  permissions?: readonly string[];
}

/** The development profile's anonymous user, with no role. */
export const LOCAL_VIEWER: Viewer = Object.freeze({
  id: "local",
  roles: Object.freeze([]) as unknown as string[],
  anonymous: true,
});

/** The same user with the admin role, when `DEV_LOCAL_ADMIN=true`. */
export const LOCAL_ADMIN_VIEWER: Viewer = Object.freeze({
  id: "local",
  roles: Object.freeze(["admin"]) as unknown as string[],
  anonymous: true,
});

/** The tokenless user of a development server: an admin only with `DEV_LOCAL_ADMIN=true`. */
export function localViewer(config: Config): Viewer {
  return config.security.devLocalAdmin ? LOCAL_ADMIN_VIEWER : LOCAL_VIEWER;
}

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

/**
 * True when a `Host` header names this machine by a name no web site can
 * rebind: `localhost`, `*.localhost`, or an IP literal. Absent (in-process) counts.
 */
export function isLocalHost(host: string | null | undefined): boolean {
  if (!host) return true;
  const name = host.toLowerCase().replace(/:\d+$/, "");
  return name === "localhost" || name.endsWith(".localhost") ||
    /^\d{1,3}(\.\d{1,3}){3}$/.test(name) || /^\[[0-9a-f:.]+\]$/.test(name);
}

/**
 * Resolves the viewer from an `Authorization` value (header or
 * connectionParams); `host` is the request's `Host` header.
 */
export async function resolveViewer(
  authorization: string | null | undefined,
  config: Config,
  options: { host?: string | null } = {},
): Promise<Viewer> {
  const token = bearerToken(authorization);
  if (token === undefined) {
    if (config.app.environment !== "development") throw new UnauthenticatedError();
    if (isLocalHost(options.host)) return localViewer(config);
    throw new UnauthenticatedError(
      `Requests without a token act as the local user only when sent to localhost or an IP ` +
        `address, not to ${JSON.stringify(options.host)}; send a token (deno task token).`,
    );
  }
  try {
    const claims = await verifierFor(config)(token);
    const permissions = permissionsOf(claims);
    return {
      id: claims.sub,
      roles: claims.roles ?? [],
      anonymous: false,
      ...(permissions === undefined ? {} : { permissions }),
    };
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
