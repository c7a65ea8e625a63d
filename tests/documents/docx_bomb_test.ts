/**
 * A .docx whose zip headers lie about its size: the inflated bytes, not the
 * declared ones, hit the limit, so a small upload cannot inflate to
 * gigabytes inside the server.
 */
import assert from "node:assert/strict";
import { zipSync } from "fflate";
import {
  docxText,
  DocxTooLargeError,
  MAX_DOCX_EXPANDED_BYTES,
} from "../../src/documents/docx_text.ts";
import { makeDocx } from "./fixtures.ts";

/** Sets every entry's declared uncompressed size (local and central headers) to `size`. */
function lieAboutSizes(zip: Uint8Array, size: number): Uint8Array {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  for (let at = 0; at + 4 <= zip.length; at++) {
    const signature = view.getUint32(at, true);
    if (signature === 0x04034b50) view.setUint32(at + 22, size, true);
    if (signature === 0x02014b50) view.setUint32(at + 24, size, true);
  }
  return zip;
}

Deno.test("a docx bomb that declares 1 KB is stopped by the bytes it inflates", async () => {
  const huge = new Uint8Array(MAX_DOCX_EXPANDED_BYTES + 8 * 1024 * 1024).fill(0x61);
  const bomb = lieAboutSizes(zipSync({ "word/document.xml": huge }, { level: 9 }), 1000);
  assert.ok(bomb.length < 1024 * 1024, `the bomb is small: ${bomb.length} bytes`);
  await assert.rejects(docxText(bomb), DocxTooLargeError);
});

Deno.test("an honest docx still reads after bounded inflation", async () => {
  assert.equal((await docxText(makeDocx(["First.", "Second."]))).trim(), "First.\n\nSecond.");
});
