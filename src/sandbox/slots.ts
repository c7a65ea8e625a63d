/**
 * How many sandboxed children run at once in this process. Each one is a
 * process with its own heap limit doing CPU-bound work (a `run_code`
 * snippet, a PDF being parsed), and one model turn may ask for many tool
 * calls in parallel, so runs beyond the limit wait for a free slot (in
 * order) instead of starting more processes than the machine has cores.
 *
 * @example
 * ```ts
 * const slots = new SandboxSlots(2);
 * const release = await slots.acquire(signal);
 * try { // run one sandbox
 * } finally { release(); }
 * ```
 * @module
 */

/** A counting semaphore whose waiters can give up through an AbortSignal. */
export class SandboxSlots {
  readonly #limit: number;
  #running = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(limit: number) {
    this.#limit = Math.max(1, limit);
  }

  /** Resolves with a release function once a slot is free; rejects when `signal` aborts first. */
  acquire(signal?: AbortSignal): Promise<() => void> {
    signal?.throwIfAborted();
    if (this.#running < this.#limit) {
      this.#running++;
      return Promise.resolve(this.#releaser());
    }
    return new Promise((resolve, reject) => {
      const grant = () => {
        signal?.removeEventListener("abort", onAbort);
        this.#running++;
        resolve(this.#releaser());
      };
      const onAbort = () => {
        this.#waiting.splice(this.#waiting.indexOf(grant), 1);
        reject(signal!.reason);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#waiting.push(grant);
    });
  }

  #releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#running--;
      this.#waiting.shift()?.();
    };
  }
}

/**
 * The slots every sandboxed child of this process shares (`run_code`
 * snippets and document extraction): one per core.
 */
export const SANDBOX_SLOTS = new SandboxSlots(navigator.hardwareConcurrency ?? 2);
