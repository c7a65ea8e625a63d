/**
 * The memory backup format: gzip-compressed JSON lines. The first line is a
 * header (format, version, embedding model and dimension), the last a footer
 * with counts; in between, one line per item, read count, closed version and
 * namespace record. Everything a restore needs to reproduce the store
 * exactly is kept exactly: values as their jsonb text (no float rounding),
 * timestamps to the microsecond, vectors as little-endian float32 in base64.
 *
 * @module
 */

/** The header's `format`. */
export const BACKUP_FORMAT = "graphmind-memories";
/** The header's `version`; a restore refuses other versions. */
export const BACKUP_VERSION = 1;

/** The first line. */
export interface BackupHeader {
  kind: "header";
  format: typeof BACKUP_FORMAT;
  version: number;
  embeddingModel: string;
  dims: number;
  exportedAt: string;
}

/** The last line. */
export interface BackupFooter {
  kind: "footer";
  items: number;
  usage: number;
  versions: number;
  namespaces: number;
}

/** Writes lines to a gzip file at `path`, via a temporary file renamed at the end. */
export async function writeGzipLines(
  path: string,
  produce: (write: (line: string) => Promise<void>) => Promise<void>,
): Promise<number> {
  const temporary = `${path}.partial`;
  const file = await Deno.open(temporary, { write: true, create: true, truncate: true });
  const gzip = new CompressionStream("gzip");
  const piping = gzip.readable.pipeTo(file.writable);
  const writer = gzip.writable.getWriter();
  const encoder = new TextEncoder();
  let buffered: string[] = [];
  let size = 0;
  const flush = async () => {
    if (buffered.length === 0) return;
    const chunk = buffered.join("");
    buffered = [];
    size = 0;
    await writer.write(encoder.encode(chunk));
  };
  try {
    await produce(async (line) => {
      buffered.push(line, "\n");
      size += line.length + 1;
      if (size >= 256 * 1024) await flush();
    });
    await flush();
    await writer.close();
    await piping;
  } catch (error) {
    await writer.abort(error).catch(() => {});
    await piping.catch(() => {});
    await Deno.remove(temporary).catch(() => {});
    throw error;
  }
  await Deno.rename(temporary, path);
  return (await Deno.stat(path)).size;
}

/** Reads the lines of a gzip file, one at a time. */
export async function* readGzipLines(path: string): AsyncGenerator<string> {
  const file = await Deno.open(path, { read: true });
  const text = file.readable
    .pipeThrough(new DecompressionStream("gzip"))
    .pipeThrough(new TextDecoderStream());
  let buffer = "";
  for await (const chunk of text) {
    buffer += chunk;
    let start = 0;
    let end: number;
    while ((end = buffer.indexOf("\n", start)) >= 0) {
      yield buffer.slice(start, end);
      start = end + 1;
    }
    buffer = buffer.slice(start);
  }
  if (buffer !== "") yield buffer;
}

/** pgvector text (`[0.1,…]`) → base64 of little-endian float32. */
export function vectorToBase64(text: string): string {
  const values = text.slice(1, -1).split(",").map(Number);
  const bytes = new Uint8Array(new Float32Array(values).buffer);
  let binary = "";
  for (let i = 0; i < bytes.length; i += 8192) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 8192));
  }
  return btoa(binary);
}

/** Base64 float32 → pgvector text; each float32 prints as a decimal that parses back to itself. */
export function base64ToVector(base64: string): string {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return `[${Array.from(new Float32Array(bytes.buffer)).join(",")}]`;
}
