/**
 * Runs a service probe again after a timeout, never after a refusal: a
 * loaded machine (eight test files loading at once) can hold a test
 * process's event loop past one timeout, while a service that is down
 * refuses at once and one that hangs still fails, three timeouts later.
 *
 * @module
 */

/** Probe attempts before a timeout is believed. */
const ATTEMPTS = 3;

/**
 * `probe()` resolves with why the service is unusable, or `undefined`;
 * retried while that reason is a timeout (`isTimeout`).
 */
export async function probeAgainAfterTimeouts(
  probe: () => Promise<string | undefined>,
  isTimeout: (reason: string) => boolean,
): Promise<string | undefined> {
  let reason: string | undefined;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    reason = await probe();
    if (reason === undefined || !isTimeout(reason)) return reason;
  }
  return reason;
}
