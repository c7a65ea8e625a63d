/**
 * Runs vitest-style spec files under `deno test`. {@linkcode installVitestGlobals}
 * puts `describe`, `it`/`test` (with `.each` and `.skip`), the four hooks and
 * `expect` (Jest's, plus `expect.soft`) on `globalThis`; calling them only
 * collects a tree. {@linkcode runCollected} then replays that tree as steps
 * of one `Deno.test`, with vitest's semantics: suites and cases in order,
 * `beforeAll`/`afterAll` once per suite, `beforeEach` outermost first,
 * `afterEach` innermost first and always, per-call timeouts.
 *
 * @example
 * ```ts
 * const vitest = installVitestGlobals();
 * specTest(initializer); // calls describe/it/... from the globals
 * vitest.register("checkpointer spec");
 * ```
 * @module
 */
import { expect as jestExpect } from "expect";
import { eachName } from "./vitest_names.ts";

type Fn = () => unknown;
type Hook = { fn: Fn; timeout: number | undefined };

interface Case {
  kind: "case";
  name: string;
  fn: Fn | undefined;
  timeout: number | undefined;
  skip: boolean;
}

interface Suite {
  kind: "suite";
  name: string;
  children: (Suite | Case)[];
  beforeAll: Hook[];
  afterAll: Hook[];
  beforeEach: Hook[];
  afterEach: Hook[];
  skip: boolean;
}

/** Outcome of a replay. */
export interface VitestSummary {
  passed: number;
  failed: number;
  skipped: number;
  /** Cases in the collected tree (passed + failed + skipped once the run is over). */
  collected: number;
}

/** Timeouts, in ms, for cases and hooks that give none (vitest: 5000 and 10000). */
export interface VitestOptions {
  testTimeout?: number;
  hookTimeout?: number;
}

/** What {@linkcode installVitestGlobals} returns. */
export interface VitestShim {
  /** Registers one `Deno.test` that replays everything collected so far. */
  register(name: string, options?: { ignore?: boolean }): void;
  /** The counts, filled in while the registered test runs. */
  summary: VitestSummary;
}

/** Installs the globals; every call collects into a fresh tree. */
export function installVitestGlobals(options: VitestOptions = {}): VitestShim {
  const root = newSuite("", false);
  const stack: Suite[] = [root];
  const current = () => stack.at(-1)!;
  const summary: VitestSummary = { passed: 0, failed: 0, skipped: 0, collected: 0 };
  let softErrors: unknown[] = [];

  function describe(name: string, fn: Fn, skip = false): void {
    const suite = newSuite(name, skip || current().skip);
    current().children.push(suite);
    stack.push(suite);
    try {
      const result = fn();
      if (result instanceof Promise) throw new Error(`describe("${name}") must be synchronous.`);
    } finally {
      stack.pop();
    }
  }
  function it(name: string, fn?: Fn, timeout?: number, skip = false): void {
    current().children.push({
      kind: "case",
      name,
      fn,
      timeout,
      skip: skip || current().skip || !fn,
    });
    summary.collected++;
  }
  const hook =
    (kind: "beforeAll" | "afterAll" | "beforeEach" | "afterEach") => (fn: Fn, timeout?: number) =>
      current()[kind].push({ fn, timeout });

  const describeApi = Object.assign((name: string, fn: Fn) => describe(name, fn), {
    skip: (name: string, fn: Fn) => describe(name, fn, true),
    each: each((name, fn) => describe(name, fn)),
  });
  const itApi = Object.assign(
    (name: string, fn?: Fn, timeout?: number) => it(name, fn, timeout),
    {
      skip: (name: string, fn?: Fn, timeout?: number) => it(name, fn, timeout, true),
      todo: (name: string) => it(name, undefined, undefined, true),
      each: each((name, fn, timeout) => it(name, fn, timeout)),
    },
  );
  const expectApi = Object.assign(
    (actual: unknown) => jestExpect(actual),
    jestExpect,
    // vitest's soft assertion: record the failure, keep running the case.
    { soft: (actual: unknown) => recordFailures(jestExpect(actual), (e) => softErrors.push(e)) },
  );
  Object.assign(globalThis, {
    describe: describeApi,
    it: itApi,
    test: itApi,
    beforeAll: hook("beforeAll"),
    afterAll: hook("afterAll"),
    beforeEach: hook("beforeEach"),
    afterEach: hook("afterEach"),
    expect: expectApi,
  });

  const testTimeout = options.testTimeout ?? 5_000;
  const hookTimeout = options.hookTimeout ?? 10_000;

  async function runSuite(suite: Suite, t: Deno.TestContext, eachHooks: Suite[]): Promise<void> {
    const chain = [...eachHooks, suite];
    try {
      try {
        for (const h of suite.beforeAll) {
          await withTimeout(h.fn, h.timeout ?? hookTimeout, "beforeAll");
        }
      } catch (error) {
        // As in vitest, a failed beforeAll fails every case of its suite.
        summary.failed += countCases(suite);
        throw error;
      }
      for (const child of suite.children) {
        if (child.kind === "suite") {
          await t.step({
            name: child.name,
            ignore: child.skip,
            fn: (t2) => runSuite(child, t2, chain),
          });
          if (child.skip) summary.skipped += countCases(child);
        } else {
          await t.step({ name: child.name, ignore: child.skip, fn: () => runCase(child, chain) });
          if (child.skip) summary.skipped++;
        }
      }
    } finally {
      for (const h of suite.afterAll) await withTimeout(h.fn, h.timeout ?? hookTimeout, "afterAll");
    }
  }

  async function runCase(testCase: Case, chain: Suite[]): Promise<void> {
    softErrors = [];
    const errors: unknown[] = [];
    try {
      for (const suite of chain) {
        for (const h of suite.beforeEach) {
          await withTimeout(h.fn, h.timeout ?? hookTimeout, "beforeEach");
        }
      }
      await withTimeout(testCase.fn!, testCase.timeout ?? testTimeout, "test");
    } catch (error) {
      errors.push(error);
    }
    for (const suite of [...chain].reverse()) {
      for (const h of [...suite.afterEach].reverse()) {
        try {
          await withTimeout(h.fn, h.timeout ?? hookTimeout, "afterEach");
        } catch (error) {
          errors.push(error);
        }
      }
    }
    errors.push(...softErrors);
    if (errors.length === 0) {
      summary.passed++;
      return;
    }
    summary.failed++;
    throw errors.length === 1 ? errors[0] : new AggregateError(errors, `${errors.length} failures`);
  }

  return {
    summary,
    register(name, registerOptions = {}) {
      Deno.test({
        name,
        ignore: registerOptions.ignore ?? false,
        fn: (t) => runSuite(root, t, []),
      });
    },
  };
}

function newSuite(name: string, skip: boolean): Suite {
  return {
    kind: "suite",
    name,
    children: [],
    beforeAll: [],
    afterAll: [],
    beforeEach: [],
    afterEach: [],
    skip,
  };
}

function countCases(suite: Suite): number {
  return suite.children.reduce((n, c) => n + (c.kind === "case" ? 1 : countCases(c)), 0);
}

/** `x.each(table)(name, fn, timeout)`: one call per row, arrays spread as arguments. */
function each(
  define: (name: string, fn: Fn, timeout?: number) => void,
) {
  return (table: readonly unknown[]) =>
  (name: string, fn: (...args: unknown[]) => unknown, timeout?: number) => {
    table.forEach((row, index) => {
      const args = Array.isArray(row) ? row : [row];
      define(eachName(name, args, index), () => fn(...args), timeout);
    });
  };
}

async function withTimeout(fn: Fn, ms: number, what: string): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  try {
    await Promise.race([Promise.resolve().then(fn), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Wraps a Jest matcher object so that failing matchers (also behind `.not`,
 * `.resolves`, `.rejects`) report to `onFailure` instead of throwing.
 */
function recordFailures<T extends object>(matchers: T, onFailure: (error: unknown) => void): T {
  return new Proxy(matchers, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value === "function") {
        return (...args: unknown[]) => {
          try {
            const result = value.apply(target, args);
            return result instanceof Promise ? result.catch(onFailure) : result;
          } catch (error) {
            onFailure(error);
          }
        };
      }
      return value !== null && typeof value === "object"
        ? recordFailures(value as object, onFailure)
        : value;
    },
  });
}
