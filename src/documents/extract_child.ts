/**
 * The main module of the document extraction sandbox: a child `deno run`
 * with no permissions (see extract_sandbox.ts). It reads the file's bytes
 * from stdin, parses them as the extension in `Deno.args` says, and writes
 * the raw text to stdout. A file the parser rejects ends it with exit code
 * 3 and the reason on stderr, marked with the nonce from `Deno.args` so the
 * parent can tell it from anything else there; its memory watchdog raises
 * its alarm the same way.
 *
 * Arguments: `<pdf|docx> <resident memory limit in bytes> <nonce>`.
 *
 * @module
 */
import { startMemoryWatchdog } from "../sandbox/memory_watchdog.ts";
import { pdfText } from "./pdf_text.ts";
import { docxText } from "./docx_text.ts";

/** Exit code of a file the parser could not read: the file's fault, not ours. */
export const UNREADABLE_EXIT = 3;

const [extension, rssLimit, nonce] = Deno.args;
// PDF.js keeps decoded streams in ArrayBuffers, outside the V8 heap limit.
await startMemoryWatchdog(Number(rssLimit), `\n${nonce}:memory\n`);
const bytes = new Uint8Array(await new Response(Deno.stdin.readable).arrayBuffer());

let text: string;
try {
  if (extension === "pdf") text = await pdfText(bytes);
  else if (extension === "docx") text = await docxText(bytes);
  else throw new Error(`no parser for .${extension}`);
} catch (error) {
  const reason = error instanceof Error ? error.message : String(error);
  writeAll(Deno.stderr, `\n${nonce}:unreadable:${JSON.stringify(reason)}\n`);
  Deno.exit(UNREADABLE_EXIT);
}
writeAll(Deno.stdout, text);

function writeAll(stream: { writeSync(p: Uint8Array): number }, value: string): void {
  const encoded = new TextEncoder().encode(value);
  for (let written = 0; written < encoded.length;) {
    written += stream.writeSync(encoded.subarray(written));
  }
}
