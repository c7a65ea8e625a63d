/**
 * Issue 15, fault 3: the embedded database's data directory fills up. A
 * server process runs embedded PGlite with its data directory on a small
 * tmpfs; memories are written until a write fails for lack of space.
 *
 * Checked: the failing write gets a clear, coded error (not INTERNAL) at
 * once, reads still work, and the server stays up; once the filesystem has
 * room again (remounted larger, as an operator freeing space) writes resume
 * with no restart; after a restart every acknowledged memory is there with
 * its exact value, the refused one is not, and the next write succeeds.
 * Without the disk guard, PGlite wedged here: the write that needed a new
 * WAL segment, and every query after it, hung for good.
 *
 * Skipped, with the reason, only where a tmpfs cannot be mounted (not root).
 */
import assert from "node:assert/strict";
import { PGlite } from "@electric-sql/pglite";
import { vector } from "@electric-sql/pglite/vector";
import "../support/pglite_template.ts";
import { startServer } from "../support/server_process.ts";
import { mountSmallDisk, smallDiskUnavailable } from "../support/small_disk.ts";
import { waitFor } from "../support/replicas.ts";
import {
  codes,
  dumpLogs,
  figure,
  gql,
  type GqlAnswer,
  request,
  since,
  stopServer,
} from "./harness.ts";

const unavailable = await smallDiskUnavailable();
if (unavailable !== undefined) console.warn(`Skipping the disk-full fault test: ${unavailable}`);

const root = new URL("../../", import.meta.url).pathname;
const PUT_MEMORY = `mutation($key: String!, $content: String!) {
  putMemory(input: {namespace: ["ballast"], key: $key, value: {content: $content},
    searchable: false}) { key } }`;
const MEMORY = `query($key: String!) { memory(namespace: ["ballast"], key: $key) { value } }`;
/**
 * A fresh PGlite data directory takes about 40 MB (one 16 MB WAL segment);
 * the disk guard refuses writes below 64 MiB free (src/db/disk_guard.ts).
 */
const DISK_MB = 112;
const VALUE_BYTES = 400_000;

Deno.test({
  name: "faults: a full data directory for embedded Postgres",
  ignore: unavailable !== undefined,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    // The server may write only under .data (the start task's --allow-write).
    const relative = `.data/faults-disk-${crypto.randomUUID().slice(0, 8)}`;
    const disk = await mountSmallDisk(`${root}${relative}`, DISK_MB);
    const env = {
      PGLITE_DATA_DIR: `${relative}/pg`,
      MEMORY_MAX_VALUE_BYTES: String(VALUE_BYTES * 2),
    };
    let server: Awaited<ReturnType<typeof startServer>> | undefined;
    const figures: Record<string, unknown> = {};
    try {
      // The cluster initdb makes, from the suite's shared snapshot (pglite_template.ts):
      // seconds of WASM initdb saved; the server still migrates it.
      await (await PGlite.create({ dataDir: `${disk.path}/pg`, extensions: { vector } })).close();
      server = await startServer(env, { timeoutMs: 80_000 });
      figures.startupMs = Math.round(server.startupMs);
      figures.freeAfterStartBytes = await disk.free();
      const written = new Map<string, string>();
      let refused: { key: string; answer: GqlAnswer } | undefined;

      await t.step("writes fail with a clear, coded error", async () => {
        for (let i = 0; i < 200 && refused === undefined; i++) {
          const key = `m${i}`;
          const content = randomText(VALUE_BYTES);
          const answer = await request(server!.url, PUT_MEMORY, { key, content });
          if (answer.errors?.length) refused = { key, answer };
          else written.set(key, content);
        }
        assert.ok(refused, "no write failed: the disk never filled");
        figures.acknowledgedWrites = written.size;
        figures.refusal = {
          codes: codes(refused.answer),
          message: refused.answer.errors?.[0]?.message,
          http: refused.answer.status,
        };
        assert.deepEqual(codes(refused.answer), ["UNAVAILABLE"]);
        assert.equal(refused.answer.status, 503);
        assert.ok(Number(refused.answer.errors![0]!.extensions?.retryAfter) > 0);
        assert.match(refused.answer.errors![0]!.message, /disk|space/i);
      });

      await t.step("reads still work while full", async () => {
        const [key, content] = [...written][0]!;
        assert.equal((await gql(server!.url, MEMORY, { key })).memory.value.content, content);
        const health = await fetch(`${server!.url}/health`);
        await health.body?.cancel();
        assert.equal(health.status, 200);
      });

      await t.step(
        "space returns: writes resume, then a restart finds nothing corrupt",
        async () => {
          await disk.resize(DISK_MB * 3);
          const freedAt = performance.now();
          await waitFor(
            async () =>
              !(await request(server!.url, PUT_MEMORY, { key: "back", content: "ok" })).errors,
            15_000,
            "a write to succeed once space returned",
          );
          figures.writesBackAfterMs = since(freedAt);
          written.set("back", "ok");
          figures.exitCode = await stopServer(server!, 20_000);
          server = await startServer(env, { timeoutMs: 80_000 });
          figures.restartMs = Math.round(server.startupMs);
          for (const [key, content] of written) {
            const { memory } = await gql(server.url, MEMORY, { key });
            assert.equal(memory?.value?.content, content, `memory ${key}`);
          }
          assert.equal((await gql(server.url, MEMORY, { key: refused!.key })).memory, null);
          await gql(server.url, PUT_MEMORY, { key: "after", content: "space is back" });
          assert.equal(
            (await gql(server.url, MEMORY, { key: "after" })).memory.value.content,
            "space is back",
          );
          figures.rowsLost = 0;
          figure("disk full (embedded)", figures);
        },
      );
    } finally {
      if (server) {
        await stopServer(server, 20_000);
        await dumpLogs("disk_full", server);
      }
      await disk.unmount();
    }
  },
});

/** `bytes` characters that barely compress (base64 of random bytes), so each write takes room. */
function randomText(bytes: number): string {
  const raw = new Uint8Array(Math.ceil(bytes * 3 / 4));
  for (let i = 0; i < raw.length; i += 65536) crypto.getRandomValues(raw.subarray(i, i + 65536));
  let text = "";
  for (let i = 0; i < raw.length; i += 8192) {
    text += btoa(String.fromCharCode(...raw.subarray(i, i + 8192)));
  }
  return text.slice(0, bytes);
}
