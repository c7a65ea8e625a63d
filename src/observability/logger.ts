/**
 * Structured JSON logs, one object per line on stdout, with the fields the
 * design document names: timestamp, level, logger, message, and when known
 * request_id, user_id, thread_id and agent_type. Errors carry an `exception`
 * object with type, message and traceback.
 *
 * @example
 * ```ts
 * import { createLogger } from "./logger.ts";
 * const log = createLogger({ level: "info", name: "graphmind" });
 * log.child({ request_id: "abc" }).info("request finished", { status_code: 200 });
 * ```
 * @module
 */
import type { LogLevel } from "../config.ts";

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const LEVEL_NAMES: Record<LogLevel, string> = {
  debug: "DEBUG",
  info: "INFO",
  warn: "WARNING",
  error: "ERROR",
};

/** Extra fields on one log line. `error` is expanded into `exception`. */
export type LogFields = Record<string, unknown> & { error?: unknown };

/** A logger bound to a name and to context fields. */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line; `logger` in them renames it. */
  child(fields: Record<string, unknown>): Logger;
}

/** Options for {@linkcode createLogger}. */
export interface LoggerOptions {
  level: LogLevel;
  name: string;
  /** Where lines go; stdout by default. Tests pass a collector. */
  write?: (line: string) => void;
}

/** Describes an error for the `exception` field, following `cause` one level. */
export function describeError(error: unknown): Record<string, unknown> {
  if (error instanceof Error) {
    const described: Record<string, unknown> = {
      type: error.name,
      message: error.message,
      traceback: error.stack ?? null,
    };
    if (error.cause !== undefined) described.cause = describeError(error.cause);
    return described;
  }
  return { type: typeof error, message: String(error), traceback: null };
}

const encoder = new TextEncoder();
function writeStdout(line: string): void {
  Deno.stdout.writeSync(encoder.encode(line + "\n"));
}

/** Creates a JSON-lines logger. */
export function createLogger(options: LoggerOptions): Logger {
  const threshold = RANK[options.level];
  const write = options.write ?? writeStdout;
  function make(context: Record<string, unknown>): Logger {
    function log(level: LogLevel, message: string, fields?: LogFields): void {
      if (RANK[level] < threshold) return;
      const { error, ...rest } = fields ?? {};
      const line: Record<string, unknown> = {
        timestamp: new Date().toISOString(),
        level: LEVEL_NAMES[level],
        logger: options.name,
        message,
        ...context,
        ...rest,
      };
      if (error !== undefined) line.exception = describeError(error);
      write(JSON.stringify(line, jsonSafe));
    }
    return {
      debug: (message, fields) => log("debug", message, fields),
      info: (message, fields) => log("info", message, fields),
      warn: (message, fields) => log("warn", message, fields),
      error: (message, fields) => log("error", message, fields),
      child: (fields) => make({ ...context, ...fields }),
    };
  }
  return make({});
}

function jsonSafe(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? value.toString() : value;
}
