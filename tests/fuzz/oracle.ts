/**
 * Judges one answer to a bad input. It passes only when every error carries
 * a contract `extensions.code` other than `INTERNAL`, no data came back, the
 * HTTP status is below 500, and (for a subscription over SSE) the stream
 * ended. Anything else is a finding, named in plain words.
 *
 * @example
 * ```ts
 * judge({ status: 200, contentType: "application/json", text: '{"errors":[...]}' });
 * ```
 * @module
 */

/** The codes of the public contract (docs: DESIGN.md, src/core/errors.ts). */
export const CONTRACT_CODES = [
  "BAD_USER_INPUT",
  "UNAUTHENTICATED",
  "FORBIDDEN",
  "NOT_FOUND",
  "CONFLICT",
  "RATE_LIMITED",
  "UNAVAILABLE",
  "INTERNAL",
];

/** What came back for one request. */
export interface Answer {
  status: number;
  contentType: string;
  text: string;
  /** For event streams: false when the stream had to be cut because it did not end. */
  ended?: boolean;
}

/** The judgement: the outcome's name for the table, and the problem if it failed. */
export interface Verdict {
  /** e.g. `BAD_USER_INPUT`, `NOT_FOUND`, or the problem's short name. */
  outcome: string;
  problem?: string;
}

/**
 * What a message must never show a client: stack frames, SQL, and the
 * database driver's own words (the contract: errors never leak stack traces
 * or SQL).
 */
const LEAK =
  /\bat [^\s]+ \(?(?:file|ext|node):|\b(?:SELECT|INSERT INTO|DELETE FROM|UPDATE \w+ SET)\b|syntax error at or near|invalid byte sequence|violates [\w ]*constraint|PostgresError|unsupported Unicode escape/;

interface Payload {
  data?: unknown;
  errors?: { message?: unknown; extensions?: { code?: unknown } }[];
}

/** The `next` payloads of an SSE body, and whether it sent `complete`. */
export function parseEventStream(text: string): { payloads: Payload[]; completed: boolean } {
  const payloads: Payload[] = [];
  let completed = false;
  for (const block of text.split(/\r?\n\r?\n/)) {
    let event = "message";
    const data: string[] = [];
    for (const line of block.split(/\r?\n/)) {
      if (line.startsWith("event:")) event = line.slice(6).trim();
      else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
    }
    if (event === "complete") completed = true;
    else if (event === "next" && data.length > 0) payloads.push(JSON.parse(data.join("\n")));
  }
  return { payloads, completed };
}

function hasData(data: unknown): boolean {
  if (data === null || data === undefined) return false;
  if (typeof data !== "object") return true;
  return Object.values(data).some((v) => v !== null);
}

/** Checks one payload; a problem, or the first error's code. */
function judgePayload(payload: Payload): Verdict {
  const errors = payload.errors ?? [];
  if (errors.length === 0) {
    return { outcome: "accepted", problem: "accepted: no error came back" };
  }
  for (const error of errors) {
    const code = error.extensions?.code;
    if (code === undefined) {
      return { outcome: "uncoded", problem: `error without extensions.code: ${error.message}` };
    }
    if (code === "INTERNAL") return { outcome: "INTERNAL", problem: `INTERNAL: ${error.message}` };
    if (!CONTRACT_CODES.includes(String(code))) {
      return { outcome: String(code), problem: `code ${code} is not in the contract` };
    }
    const shown = JSON.stringify(error);
    if (LEAK.test(shown)) {
      return { outcome: "leak", problem: `the error leaks internals: ${shown}` };
    }
  }
  if (hasData(payload.data)) {
    return { outcome: "data", problem: `data came back: ${JSON.stringify(payload.data)}` };
  }
  return { outcome: String(errors[0]!.extensions!.code) };
}

/** Judges one answer. */
export function judge(answer: Answer): Verdict {
  if (answer.status >= 500) {
    return { outcome: "HTTP 5xx", problem: `HTTP ${answer.status}: ${answer.text.slice(0, 200)}` };
  }
  if (answer.contentType.includes("text/event-stream")) {
    if (answer.ended === false) {
      return { outcome: "stream open", problem: "the event stream did not end" };
    }
    let parsed;
    try {
      parsed = parseEventStream(answer.text);
    } catch {
      return { outcome: "unparsable", problem: `bad event stream: ${answer.text.slice(0, 200)}` };
    }
    if (!parsed.completed) {
      return { outcome: "stream open", problem: "the event stream ended without `complete`" };
    }
    if (parsed.payloads.length === 0) {
      return { outcome: "accepted", problem: "the stream completed with no error" };
    }
    for (const payload of parsed.payloads) {
      const verdict = judgePayload(payload);
      if (verdict.problem) return verdict;
    }
    return judgePayload(parsed.payloads[0]!);
  }
  let payload: Payload;
  try {
    payload = JSON.parse(answer.text);
  } catch {
    return { outcome: "unparsable", problem: `not JSON: ${answer.text.slice(0, 200)}` };
  }
  return judgePayload(payload);
}
