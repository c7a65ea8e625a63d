/**
 * Channel versions that are unique per write, in the format of LangGraph's
 * Python savers: a zero-padded counter, a dot, and 16 random digits.
 *
 * Blobs are stored once per (thread, namespace, channel, version). With plain
 * counters, two branches of one thread (a fork from an old checkpoint, or a
 * new run after a rolled-back one) reach the same version with different
 * values, and the second branch would read the first one's blob. The random
 * part keeps the versions apart; the padded counter keeps them ordered, as
 * strings and, since the string parses as a number, against plain integers.
 *
 * @example
 * ```ts
 * nextChannelVersion(undefined); // "00000000000000000000000000000001.4821..."
 * nextChannelVersion(7);         // "00000000000000000000000000000008.0937..."
 * ```
 * @module
 */

/** The version after `current` (a number, a version string, or nothing yet). */
export function nextChannelVersion(current: number | string | undefined): string {
  const counter = current === undefined
    ? 0
    : typeof current === "number"
    ? Math.trunc(current)
    : Number.parseInt(current.split(".")[0] ?? "0", 10) || 0;
  return `${String(counter + 1).padStart(32, "0")}.${randomDigits(16)}`;
}

function randomDigits(count: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(count));
  return Array.from(bytes, (b) => String(b % 10)).join("");
}
