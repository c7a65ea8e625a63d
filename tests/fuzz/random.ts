/**
 * A seeded pseudo-random generator (mulberry32), so a fuzz run is a pure
 * function of its seed: `FUZZ_SEED=1234 deno test ...` replays a failure
 * exactly. `Math.random` cannot be seeded, hence this.
 *
 * @example
 * ```ts
 * const random = seededRandom(fuzzSeed());
 * random.pick(["a", "b"]);
 * ```
 * @module
 */

/** The seed used when `FUZZ_SEED` is not set: fixed, so CI runs are stable. */
export const DEFAULT_FUZZ_SEED = 20261207;

/** The seed from `FUZZ_SEED`, or {@linkcode DEFAULT_FUZZ_SEED}; anything else is refused. */
export function fuzzSeed(env: string | undefined = Deno.env.get("FUZZ_SEED")): number {
  if (env === undefined || env === "") return DEFAULT_FUZZ_SEED;
  const seed = Number(env);
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new Error(`FUZZ_SEED must be a whole number of 0 or more, got ${JSON.stringify(env)}`);
  }
  return seed;
}

/** A deterministic source of choices. */
export interface Random {
  /** A float in [0, 1). */
  next(): number;
  /** A whole number in [0, n). */
  below(n: number): number;
  /** One item of a non-empty list. */
  pick<T>(items: readonly T[]): T;
  /** True with probability `p`. */
  chance(p: number): boolean;
  /** A copy of `items` in a random order. */
  shuffle<T>(items: readonly T[]): T[];
  /** A version-4-shaped UUID made from the stream, so it replays too. */
  uuid(): string;
}

/** A generator whose whole output follows from `seed`. */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  function next(): number {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  const below = (n: number) => Math.floor(next() * n);
  return {
    next,
    below,
    pick: (items) => {
      if (items.length === 0) throw new Error("pick from an empty list");
      return items[below(items.length)]!;
    },
    chance: (p) => next() < p,
    shuffle: (items) => {
      const copy = [...items];
      for (let i = copy.length - 1; i > 0; i--) {
        const j = below(i + 1);
        [copy[i], copy[j]] = [copy[j]!, copy[i]!];
      }
      return copy;
    },
    uuid: () => {
      const hex = Array.from({ length: 32 }, () => below(16).toString(16));
      hex[12] = "4";
      hex[16] = "89ab"[below(4)]!;
      const s = hex.join("");
      return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${
        s.slice(20)
      }`;
    },
  };
}
