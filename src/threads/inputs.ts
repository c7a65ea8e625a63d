/**
 * Zod rules for thread inputs, attached to the GraphQL input types so a bad
 * value answers BAD_USER_INPUT naming the field, before anything is stored.
 *
 * @module
 */
import { z } from "zod";
import { idRule, titleRule } from "../core/rules.ts";

/** Metadata JSON may be at most this long once serialized. */
export const MAX_METADATA_BYTES = 16 * 1024;

/** Thread metadata: a JSON object of bounded size. */
export const metadataRule = z.record(z.string(), z.unknown(), {
  error: 'must be a JSON object, e.g. {"topic": "travel"}',
}).refine((value) => JSON.stringify(value).length <= MAX_METADATA_BYTES, {
  error: `must be at most ${MAX_METADATA_BYTES} bytes of JSON`,
});

/** `createThread`'s input. */
export const createThreadRule = z.object({
  agentId: idRule.nullish(),
  title: titleRule.nullish(),
  metadata: metadataRule.nullish(),
});

/** `updateThread`'s input. */
export const updateThreadRule = z.object({
  threadId: idRule,
  title: titleRule.nullish(),
  metadata: metadataRule.nullish(),
});

/** `threads(filter)`. */
export const threadFilterRule = z.object({
  agentId: idRule.nullish(),
  status: z.string().nullish(),
  metadata: metadataRule.nullish(),
});

/** `forkThread`'s input. */
export const forkThreadRule = z.object({ threadId: idRule, checkpointId: idRule });

/** Inputs that only name a thread. */
export const threadIdRule = z.object({ threadId: idRule });
