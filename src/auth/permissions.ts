/**
 * A token's tool permissions, OAuth style: the `scope` claim, a
 * space-separated list (e.g. `"memory:read documents:read"`), narrows what
 * the user's agents may do with tools. A token without `scope` grants every
 * permission, so plain tokens keep working; scopes Graphmind does not know
 * are ignored, since identity providers put their own scopes there too.
 *
 * @example
 * ```ts
 * permissionsOf({ sub: "ci-bot", scope: "basic memory:read" }); // ["basic", "memory:read"]
 * permissionsOf({ sub: "alice" }); // undefined: everything
 * ```
 * @module
 */
import { TOOL_PERMISSIONS } from "../core/tool.ts";
import { JwtError } from "./jwt.ts";

/** The permissions a token's claims grant; undefined grants all of them. */
export function permissionsOf(claims: Record<string, unknown>): string[] | undefined {
  const { scope } = claims;
  if (scope === undefined) return undefined;
  if (typeof scope !== "string") {
    throw new JwtError("Token claim `scope` must be a space-separated string.");
  }
  const known = new Set<string>(TOOL_PERMISSIONS);
  return [...new Set(scope.split(/\s+/).filter((s) => known.has(s)))];
}
