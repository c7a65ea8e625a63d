/**
 * The Graphmind client. See client.ts for the API and README.md's "Client
 * kit" section for a tour.
 *
 * @example
 * ```ts
 * import { createClient, RateLimitedError } from "./client/mod.ts";
 * const client = createClient({ url: "http://localhost:8000/graphql", transport: "sse" });
 * const { stream } = await client.threads.start("Hello");
 * console.log((await stream.collect()).text);
 * await client.close();
 * ```
 * @module
 */
export { type ChatOptions, type ClientOptions, createClient } from "./client.ts";
export type { GraphmindClient, ResumeOptions, RunStream } from "./client.ts";
export * from "./errors.ts";
export {
  backoffMs,
  FINAL_STATUSES,
  type RetryOptions,
  type RunEvent,
  type RunStreamOptions,
} from "./run_stream.ts";
export {
  pushIterator,
  type ResultOf,
  type Subscription,
  type TokenSource,
  TransportDrop,
  type TransportOptions,
  type TypedDocument,
  type VariablesOf,
} from "./transport.ts";
export {
  type DocumentStatus,
  type DocumentStatusUpdate,
  followDocument,
  type FollowOptions,
} from "./documents.ts";
export * as operations from "./generated.ts";
