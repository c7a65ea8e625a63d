/**
 * Zod rules for thread inputs, attached to the GraphQL input types so a bad
 * value answers BAD_USER_INPUT naming the field, before anything is stored.
 *
 * @module
 */
import { z } from "zod";
import { idFormatRule, idRule, titleRule } from "../core/rules.ts";
import { jsonValue } from "../core/json_rules.ts";

/** Metadata JSON may be at most this long once serialized. */
export const MAX_METADATA_BYTES = 16 * 1024;

/**
 * Thread metadata: a JSON object of bounded size, within the configured
 * depth (MAX_JSON_DEPTH), with finite numbers only.
 */
export const metadataRule = jsonValue({
  object: true,
  objectMessage: 'must be a JSON object, e.g. {"topic": "travel"}',
  maxBytes: MAX_METADATA_BYTES,
}) as unknown as z.ZodType<Record<string, unknown>>;

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
  // A filter answers an unknown id with an empty list, so a malformed one must be refused here.
  agentId: idFormatRule.nullish(),
  status: z.string().nullish(),
  metadata: metadataRule.nullish(),
});

/** `forkThread`'s input. */
export const forkThreadRule = z.object({ threadId: idRule, checkpointId: idRule });

/** Inputs that only name a thread. */
export const threadIdRule = z.object({ threadId: idRule });
