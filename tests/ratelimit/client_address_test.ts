import assert from "node:assert/strict";
import { clientAddress, UNKNOWN_ADDRESS } from "../../src/http/client_address.ts";
import { parseIp, parseTrustedProxies } from "../../src/config/ip_ranges.ts";
import { rateLimitIdentity } from "../../src/ratelimit/identity.ts";
import { loadConfig } from "../../src/config.ts";

const peer = (hostname: string): Deno.NetAddr => ({ transport: "tcp", hostname, port: 40000 });
const withXff = (value?: string) =>
  new Request(
    "http://localhost/",
    value === undefined ? {} : { headers: { "x-forwarded-for": value } },
  );

Deno.test("IPv4 and IPv6 addresses parse; garbage does not", () => {
  assert.deepEqual(parseIp("10.1.2.3"), Uint8Array.from([10, 1, 2, 3]));
  assert.deepEqual(parseIp("::ffff:10.1.2.3"), Uint8Array.from([10, 1, 2, 3]));
  assert.equal(parseIp("::1")?.length, 16);
  assert.equal(parseIp("[2001:db8::1]")?.[3], 0xb8);
  assert.equal(parseIp("fe80::1%eth0")?.[0], 0xfe);
  for (
    const bad of ["", "256.1.1.1", "1.2.3", "localhost", "1::2::3", "1:2:3:4:5:6:7:8:9", "g::1"]
  ) {
    assert.equal(parseIp(bad), undefined, bad);
  }
});

Deno.test("without trusted proxies, X-Forwarded-For is ignored", () => {
  const none = parseTrustedProxies([]);
  assert.equal(clientAddress(withXff("1.1.1.1"), peer("203.0.113.9"), none), "203.0.113.9");
  assert.equal(clientAddress(withXff("1.1.1.1"), undefined, none), UNKNOWN_ADDRESS);
});

Deno.test("behind a trusted proxy the right-most untrusted hop is the client", () => {
  const trusted = parseTrustedProxies(["10.0.0.0/8", "fd00::/8"]);
  // Through two of our proxies; the client forged a left-most entry.
  const forged = withXff("6.6.6.6, 203.0.113.7, 10.0.0.5");
  assert.equal(clientAddress(forged, peer("10.0.0.1"), trusted), "203.0.113.7");
  assert.equal(clientAddress(withXff("2001:db8::7"), peer("fd00::1"), trusted), "2001:db8::7");
  // An untrusted peer's header is not believed.
  assert.equal(clientAddress(forged, peer("198.51.100.1"), trusted), "198.51.100.1");
  // No header, or a garbage hop: the proxy itself is all we know.
  assert.equal(clientAddress(withXff(), peer("10.0.0.1"), trusted), "10.0.0.1");
  assert.equal(clientAddress(withXff("nonsense, 10.0.0.2"), peer("10.0.0.1"), trusted), "10.0.0.1");
  // Every hop trusted: the left-most is the best guess.
  assert.equal(clientAddress(withXff("10.9.9.9, 10.0.0.2"), peer("10.0.0.1"), trusted), "10.9.9.9");
  const single = parseTrustedProxies(["127.0.0.1"]);
  assert.equal(clientAddress(withXff("203.0.113.8"), peer("127.0.0.1"), single), "203.0.113.8");
  assert.equal(clientAddress(withXff("203.0.113.8"), peer("127.0.0.2"), single), "127.0.0.2");
});

Deno.test("bad TRUSTED_PROXIES entries stop the configuration, naming the entry", () => {
  assert.deepEqual(loadConfig({ TRUSTED_PROXIES: "10.0.0.0/8, ::1" }).security.trustedProxies, [
    "10.0.0.0/8",
    "::1",
  ]);
  for (const bad of ["10.0.0.0/33", "proxy.internal", "10.0.0.1/8/1", "::1/129"]) {
    assert.throws(
      () => loadConfig({ TRUSTED_PROXIES: bad }),
      new RegExp(`TRUSTED_PROXIES=.*Invalid TRUSTED_PROXIES entry "${bad.replaceAll(".", "\\.")}"`),
    );
  }
});

Deno.test("users are limited by id, anonymous clients by address (IPv6 by /64)", () => {
  assert.equal(
    rateLimitIdentity({ id: "alice", roles: [], anonymous: false }, "1.2.3.4"),
    "user:alice",
  );
  assert.equal(
    rateLimitIdentity({ id: "local", roles: [], anonymous: true }, "1.2.3.4"),
    "ip:1.2.3.4",
  );
  assert.equal(rateLimitIdentity(undefined, "2001:db8:1:2:aaaa::1"), "ip:2001:db8:1:2::/64");
  assert.equal(
    rateLimitIdentity(undefined, "2001:db8:1:2:bbbb::9"),
    rateLimitIdentity(undefined, "2001:db8:1:2:aaaa::1"),
  );
  assert.equal(rateLimitIdentity(undefined, UNKNOWN_ADDRESS), "ip:unknown");
});
