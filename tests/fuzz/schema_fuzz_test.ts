/**
 * The schema-driven fuzzer (issue 15, "Hostile input, generated"): every
 * argument of every query, mutation and subscription in
 * schema/schema.graphql, and every input field inside them, gets bad
 * values of each class that fits its type (bad_values.ts), sent as bob
 * against the real app with alice's data in it. Each answer must be a coded
 * error other than INTERNAL, below HTTP 500, with subscriptions' streams
 * ending (oracle.ts), and no table may change (table_state.ts).
 *
 * Reproduce a failure with the seed the test prints:
 * `FUZZ_SEED=<seed> deno test --allow-all tests/fuzz/schema_fuzz_test.ts`.
 *
 * @module
 */
import assert from "node:assert/strict";
import { badInput } from "../support/tally.ts";
import { fuzzSeed, type Random, seededRandom } from "./random.ts";
import { loadSchema, type Location, locations, targets } from "./schema_walk.ts";
import { type BadValue, badValues } from "./bad_values.ts";
import { buildCase, type CaseContext, type FuzzCase } from "./cases.ts";
import { judge } from "./oracle.ts";
import { send } from "./send.ts";
import { startFixture } from "./fixtures.ts";
import { DEFAULT_VIEWS, diffState, listTables, readState, writeMark } from "./table_state.ts";
import { OutcomeTally } from "./report.ts";

/** Requests in flight at once; the table check runs around each batch. */
const BATCH = 16;
/** Share of cases written with inline literals instead of variables. */
const INLINE_SHARE = 0.2;
/**
 * Values of one class sent to one location, at most: the seed picks which,
 * so every value is sent somewhere across locations and seeds, and the file
 * stays well under a minute in the parallel suite.
 */
const PER_CLASS = 3;
/** The least the issue asks for. */
const MIN_CASES = 1000;

/** Up to {@linkcode PER_CLASS} values of each class, chosen by the seed. */
function sample(values: BadValue[], random: Random): BadValue[] {
  const byClass = new Map<string, BadValue[]>();
  for (const value of values) byClass.set(value.cls, [...byClass.get(value.cls) ?? [], value]);
  return [...byClass.values()].flatMap((group) => random.shuffle(group).slice(0, PER_CLASS));
}

/** A valid mutation: the oracle must call it accepted, the row check must see its row. */
const CANARY_CREATE = 'mutation { createThread(input: { title: "canary" }) { id } }';
/** A valid subscription that ends by itself. */
const CANARY_SUBSCRIBE = "subscription { heartbeat(count: 2, intervalMs: 10) { sequence } }";

/** The case as a literal when asked and possible; as variables otherwise. */
function buildCaseAnyway(
  id: number,
  location: Location,
  bad: BadValue,
  inline: boolean,
  context: CaseContext,
): FuzzCase {
  if (inline) {
    try {
      return buildCase(id, location, bad, "inline", context);
    } catch (error) {
      if (!(error instanceof TypeError)) throw error;
    }
  }
  return buildCase(id, location, bad, "variables", context);
}

Deno.test("fuzz: every argument in the schema refuses bad input with a coded error", async () => {
  const seed = fuzzSeed();
  console.log(`FUZZ_SEED=${seed}`);
  const random = seededRandom(seed);
  const schema = await loadSchema();
  const fixture = await startFixture();
  const { tenants } = fixture;
  const sql = tenants.app.database.sql;
  try {
    const cases: FuzzCase[] = [];
    for (const target of targets(schema)) {
      for (const location of locations(target)) {
        for (const bad of sample(badValues(location, fixture.foreign, random), random)) {
          const inline = random.chance(INLINE_SHARE);
          cases.push(buildCaseAnyway(cases.length, location, bad, inline, fixture));
        }
      }
    }
    assert.ok(cases.length >= MIN_CASES, `only ${cases.length} cases`);
    const ordered = random.shuffle(cases);

    const tables = await listTables(sql, new Set());
    console.log(`row check: ${tables.length} tables (${tables.join(", ")})`);
    for (const [table, view] of Object.entries(DEFAULT_VIEWS)) {
      console.log(`  ${table}: partly, because ${view.why}`);
    }
    // Canaries: valid requests sent the same way must be flagged, or the checks prove nothing.
    const quietMark = await writeMark(sql);
    const quiet = await readState(sql, tables);
    const created = judge(
      await send(tenants.app.fetch, JSON.stringify({ query: CANARY_CREATE }), {
        token: tenants.bob.token,
        stream: false,
      }),
    );
    assert.equal(created.outcome, "accepted", "the oracle must flag a request that succeeds");
    assert.notEqual(await writeMark(sql), quietMark, "a write must move the write mark");
    assert.match(
      diffState(quiet, await readState(sql, tables)).join(),
      /public\.threads: \d+ → \d+/,
    );
    const beats = judge(
      await send(tenants.app.fetch, JSON.stringify({ query: CANARY_SUBSCRIBE }), {
        token: tenants.bob.token,
        stream: true,
      }),
    );
    assert.equal(beats.outcome, "accepted", "a valid subscription must stream to its end");

    const byClass = new OutcomeTally();
    const byOperation = new OutcomeTally();
    // One example per location, class and outcome; the count beside it.
    const findings = new Map<string, { count: number; example: string }>();
    const record = (c: FuzzCase, outcome: string, problem?: string) => {
      byClass.add(c.cls, outcome);
      byOperation.add(`${c.location.target.operation} (${c.variant})`, outcome);
      if (problem === undefined) return;
      const key = `${c.location.label} [${c.cls}] → ${outcome}`;
      const finding = findings.get(key) ?? {
        count: 0,
        example: `case #${c.id}, ${c.shown}: ${problem}\n    ${c.query.slice(0, 300)}`,
      };
      finding.count++;
      findings.set(key, finding);
    };
    const run = async (c: FuzzCase) => {
      const answer = await send(tenants.app.fetch, c.body, {
        token: tenants.bob.token,
        stream: c.location.target.operation === "subscription",
      });
      return judge(answer);
    };

    const started = Date.now();
    let mark = await writeMark(sql);
    let state = await readState(sql, tables);
    for (let i = 0; i < ordered.length; i += BATCH) {
      const batch = ordered.slice(i, i + BATCH);
      const verdicts = await Promise.all(batch.map(run));
      const nowMark = await writeMark(sql);
      let changed: string[] = [];
      if (nowMark !== mark) {
        // Something committed (often the job worker): compare every table.
        mark = nowMark;
        const after = await readState(sql, tables);
        changed = diffState(state, after);
        state = after;
      }
      if (changed.length === 0) {
        batch.forEach((c, j) => record(c, verdicts[j]!.outcome, verdicts[j]!.problem));
        continue;
      }
      // Something wrote: replay the batch one case at a time to name the culprit.
      for (const c of batch) {
        const was = await readState(sql, tables);
        const verdict = await run(c);
        const diff = diffState(was, await readState(sql, tables));
        if (diff.length > 0) record(c, "rows written", `wrote: ${diff.join(", ")}`);
        else record(c, verdict.outcome, verdict.problem);
      }
      mark = await writeMark(sql);
      state = await readState(sql, tables);
    }
    badInput("schema fuzz", ordered.length);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(`\n${ordered.length} cases in ${seconds} s (seed ${seed})\n`);
    console.log(byClass.table("input class") + "\n");
    console.log(byOperation.table("operation") + "\n");
    const listed = [...findings].map(([key, f]) => `${key} (${f.count}×)\n  ${f.example}`);
    assert.equal(
      listed.length,
      0,
      `${listed.length} kinds of finding (FUZZ_SEED=${seed}):\n${listed.join("\n")}`,
    );
  } finally {
    await tenants.close();
  }
});
