/**
 * The client's IP address, for per-IP rate limits and logs. It is the TCP
 * peer's address unless that peer is a trusted proxy (`TRUSTED_PROXIES`, IPs
 * or CIDRs): then `X-Forwarded-For` is read from the right, skipping trusted
 * hops, and the first untrusted address is the client. Anything a client
 * writes into the header left of that is ignored, so it cannot pick its own
 * rate-limit bucket.
 *
 * @example
 * ```ts
 * const trusted = parseTrustedProxies(["10.0.0.0/8"]);
 * clientAddress(request, info.remoteAddr, trusted); // "203.0.113.7"
 * ```
 * @module
 */
import { isTrusted, parseIp, type TrustedProxies } from "../config/ip_ranges.ts";

/** The address used when nothing better is known (in-process requests). */
export const UNKNOWN_ADDRESS = "unknown";

/**
 * The client's address: the peer's, or, behind trusted proxies, the
 * right-most untrusted `X-Forwarded-For` entry.
 */
export function clientAddress(
  request: Request,
  peer: Deno.Addr | undefined,
  trusted: TrustedProxies,
): string {
  const peerAddress = peer !== undefined && "hostname" in peer ? peer.hostname : UNKNOWN_ADDRESS;
  if (trusted.length === 0 || !isTrusted(peerAddress, trusted)) return peerAddress;
  const hops = (request.headers.get("x-forwarded-for") ?? "").split(",").map((h) => h.trim())
    .filter(Boolean);
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i]!;
    if (parseIp(hop) === undefined) return peerAddress; // garbage: believe the proxy, not it
    if (!isTrusted(hop, trusted)) return hop;
  }
  return hops[0] ?? peerAddress;
}
