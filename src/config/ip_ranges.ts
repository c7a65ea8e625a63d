/**
 * IP addresses and CIDR ranges, parsed once: `TRUSTED_PROXIES` is checked
 * when the configuration loads, and the HTTP layer matches peers against it.
 *
 * @example
 * ```ts
 * const trusted = parseTrustedProxies(["10.0.0.0/8"]);
 * isTrusted("10.1.2.3", trusted); // true
 * ```
 * @module
 */

/** A parsed IP range. */
interface Range {
  bytes: Uint8Array;
  prefix: number;
}

/** Trusted proxy ranges from {@linkcode parseTrustedProxies}. */
export type TrustedProxies = readonly Range[];

/** Parses an IPv4 or IPv6 address into bytes (IPv4-mapped IPv6 becomes IPv4). */
export function parseIp(text: string): Uint8Array | undefined {
  const address = text.trim().replace(/^\[|\]$/g, "").replace(/%.*$/, "");
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(address);
  if (v4) {
    const parts = v4.slice(1).map(Number);
    return parts.every((p) => p <= 255) ? Uint8Array.from(parts) : undefined;
  }
  if (!address.includes(":")) return undefined;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return parseIp(mapped[1]!);
  const halves = address.split("::");
  if (halves.length > 2) return undefined;
  const groups = (s: string) => (s === "" ? [] : s.split(":"));
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const all = [...head, ...Array(halves.length === 2 ? missing : 0).fill("0"), ...tail];
  const bytes = new Uint8Array(16);
  for (const [i, group] of all.entries()) {
    if (!/^[0-9a-f]{1,4}$/i.test(group)) return undefined;
    const value = parseInt(group, 16);
    bytes[i * 2] = value >> 8;
    bytes[i * 2 + 1] = value & 0xff;
  }
  return bytes;
}

/**
 * Parses `TRUSTED_PROXIES` entries: `10.0.0.1`, `10.0.0.0/8`, `::1`, `fd00::/8`.
 *
 * @throws {Error} naming the first entry that is not an IP or CIDR.
 */
export function parseTrustedProxies(entries: readonly string[]): TrustedProxies {
  return entries.map((entry) => {
    const [ip, bits, extra] = entry.split("/");
    const bytes = parseIp(ip ?? "");
    const max = bytes === undefined ? 0 : bytes.length * 8;
    const prefix = bits === undefined ? max : Number(bits);
    if (!bytes || extra !== undefined || !Number.isInteger(prefix) || prefix < 0 || prefix > max) {
      throw new Error(
        `Invalid TRUSTED_PROXIES entry ${JSON.stringify(entry)}: expected an IP or CIDR ` +
          "such as 10.0.0.0/8 or fd00::/8",
      );
    }
    return { bytes, prefix };
  });
}

function inRange(address: Uint8Array, range: Range): boolean {
  if (address.length !== range.bytes.length) return false;
  const whole = Math.floor(range.prefix / 8);
  for (let i = 0; i < whole; i++) if (address[i] !== range.bytes[i]) return false;
  const rest = range.prefix % 8;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return ((address[whole]! ^ range.bytes[whole]!) & mask) === 0;
}

/** True when `address` falls in any trusted range. */
export function isTrusted(address: string, trusted: TrustedProxies): boolean {
  const bytes = parseIp(address);
  return bytes !== undefined && trusted.some((range) => inRange(bytes, range));
}
