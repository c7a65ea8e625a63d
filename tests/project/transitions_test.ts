import assert from "node:assert/strict";
import { statusChange } from "../../src/project/transitions.ts";

const EARLIER = new Date("2026-03-01T09:00:00Z");
const LATER = new Date("2026-03-05T17:00:00Z");
const AT = new Date("2026-03-09T12:00:00Z");

Deno.test("going in_progress sets the start date and clears the end date", () => {
  const change = statusChange(
    { status: "not_started", startDate: null, endDate: null },
    "in_progress",
    AT,
  );
  assert.deepEqual(change, { status: "in_progress", startDate: AT, endDate: null, updatedAt: AT });
});

Deno.test("resuming keeps when work began", () => {
  const blocked = { status: "blocked" as const, startDate: EARLIER, endDate: null };
  assert.equal(statusChange(blocked, "in_progress", AT).startDate, EARLIER);
  const reopened = { status: "completed" as const, startDate: EARLIER, endDate: LATER };
  assert.deepEqual(statusChange(reopened, "in_progress", AT), {
    status: "in_progress",
    startDate: EARLIER,
    endDate: null,
    updatedAt: AT,
  });
});

Deno.test("completing sets the end date, and the start date when it was never set", () => {
  const started = { status: "in_progress" as const, startDate: EARLIER, endDate: null };
  assert.deepEqual(statusChange(started, "completed", AT), {
    status: "completed",
    startDate: EARLIER,
    endDate: AT,
    updatedAt: AT,
  });
  const untouched = { status: "not_started" as const, startDate: null, endDate: null };
  assert.deepEqual(statusChange(untouched, "completed", AT).startDate, AT);
});

Deno.test("back to not_started clears both dates; blocked keeps the start", () => {
  const done = { status: "completed" as const, startDate: EARLIER, endDate: LATER };
  assert.deepEqual(statusChange(done, "not_started", AT), {
    status: "not_started",
    startDate: null,
    endDate: null,
    updatedAt: AT,
  });
  assert.deepEqual(statusChange(done, "blocked", AT), {
    status: "blocked",
    startDate: EARLIER,
    endDate: null,
    updatedAt: AT,
  });
});
