/**
 * Rules both cache implementations share, so they behave the same: how a
 * value becomes JSON text, and how a TTL becomes milliseconds.
 *
 * @module
 */

/** Thrown for arguments no cache implementation accepts. */
export class CacheArgumentError extends TypeError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "CacheArgumentError";
  }
}

/** Thrown when a closed cache is used. */
export class CacheClosedError extends Error {
  constructor() {
    super("The cache is closed; create a new one with createCache()");
    this.name = "CacheClosedError";
  }
}

/**
 * Serialises a value to JSON text. Lone surrogates come out as `\ud800`
 * escapes, so the text is valid UTF-8 and survives Redis byte for byte.
 *
 * @throws {CacheArgumentError} for values JSON cannot represent.
 */
export function toJsonText(key: string, value: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    throw new CacheArgumentError(`Cannot cache "${key}": its value is not JSON`, { cause: error });
  }
  if (text === undefined) {
    throw new CacheArgumentError(`Cannot cache "${key}": ${typeof value} is not a JSON value`);
  }
  return text;
}

/**
 * The TTL in milliseconds: the given seconds (fractions allowed) or the
 * default. Every entry expires, so a cache can never fill with forgotten keys.
 *
 * @throws {CacheArgumentError} unless the TTL is a positive finite number.
 */
export function ttlMilliseconds(ttlSeconds: number | undefined, defaultTtlSeconds: number): number {
  const seconds = ttlSeconds ?? defaultTtlSeconds;
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw new CacheArgumentError(`Invalid TTL ${seconds}: expected a positive number of seconds`);
  }
  return Math.max(1, Math.ceil(seconds * 1000));
}
