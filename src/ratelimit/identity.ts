/**
 * Whose budget a request spends: a signed-in user's own, whatever address
 * they come from; otherwise (the development `local` user, or a request
 * whose token failed) the client address's. IPv6 clients are grouped by
 * their /64, the block one subscriber gets, so rotating addresses inside it
 * does not buy a fresh budget.
 *
 * @example
 * ```ts
 * rateLimitIdentity({ id: "alice", roles: [], anonymous: false }, "203.0.113.7"); // "user:alice"
 * rateLimitIdentity(undefined, "2001:db8:1:2:3:4:5:6"); // "ip:2001:db8:1:2::/64"
 * ```
 * @module
 */
import type { Viewer } from "../auth/mod.ts";
import { parseIp } from "../config/ip_ranges.ts";

/** The rate-limit key of a request. */
export function rateLimitIdentity(viewer: Viewer | undefined, address: string): string {
  if (viewer !== undefined && !viewer.anonymous) return `user:${viewer.id}`;
  const bytes = parseIp(address);
  if (bytes === undefined || bytes.length === 4) return `ip:${address}`;
  const groups = [];
  for (let i = 0; i < 8; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  return `ip:${groups.join(":")}::/64`;
}
