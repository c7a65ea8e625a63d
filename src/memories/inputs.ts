/**
 * Zod rules for the memory inputs, attached to the GraphQL input types so a
 * malformed input answers `BAD_USER_INPUT` naming each field before anything
 * runs. Limits that depend on settings (value size, vector dimension) and
 * the filter grammar are checked by the store, with the same error code.
 *
 * @module
 */
import { z } from "zod";
import { checkJson, jsonValue } from "../core/json_rules.ts";
import { MAX_LABEL_LENGTH, MAX_NAMESPACE_DEPTH } from "./store/namespace.ts";
import { MAX_KEY_LENGTH, MAX_TTL_SECONDS } from "./store/values.ts";

/** One namespace label. */
export const labelRule = z.string()
  .min(1, { error: "labels cannot be empty" })
  .refine((label) => label.trim() !== "", { error: "labels cannot be blank" })
  .max(MAX_LABEL_LENGTH, { error: `labels are at most ${MAX_LABEL_LENGTH} characters` })
  .regex(/^[^.:\0]*$/, { error: 'labels cannot contain ".", ":" or NUL' });

const path = z.array(labelRule).max(MAX_NAMESPACE_DEPTH, {
  error: `at most ${MAX_NAMESPACE_DEPTH} labels`,
}).refine((labels) => labels[0] !== "langgraph", {
  error: 'the root label "langgraph" is reserved',
});

/** A namespace: at least one label. */
export const namespaceRule = path.refine((labels) => labels.length > 0, {
  error: 'a namespace needs at least one label, e.g. ["notes"]',
}).refine((labels) => !labels.includes("*"), { error: '"*" is not a label' });

/** A search prefix or listing path: may be empty (all of the viewer's namespaces). */
export const prefixRule = path;

/** A memory key. */
export const keyRule = z.string().trim()
  .min(1, { error: "must not be blank" })
  .max(MAX_KEY_LENGTH, { error: `must be at most ${MAX_KEY_LENGTH} characters` });

/**
 * A memory value: a JSON object within the configured depth (MAX_JSON_DEPTH),
 * with finite numbers only. Its size limit is a memory setting, checked by
 * the store.
 */
export const valueRule = z.record(z.string(), z.unknown(), {
  error: 'must be a JSON object, e.g. {"content": "likes green tea"}',
}).superRefine((value, ctx) => checkJson(value, ctx, { maxBytes: Infinity }));

const ttlRule = z.int({ error: "must be whole seconds" })
  .min(1, { error: "must be at least 1 second" })
  .max(MAX_TTL_SECONDS, { error: `must be at most ${MAX_TTL_SECONDS} seconds` });

const vectorRule = z.array(z.number()).min(1, { error: "must not be empty" });

/** `putMemory`'s input. */
export const putMemoryRule = z.object({
  namespace: namespaceRule,
  key: keyRule.nullish(),
  value: valueRule,
  ttlSeconds: ttlRule.nullish(),
  indexFields: z.array(
    z.string().trim().min(1, { error: "must not be blank" }).max(200),
  ).max(32).nullish(),
  searchable: z.boolean().nullish(),
  vector: vectorRule.nullish(),
  contradicts: z.boolean().nullish(),
});

/** `searchMemories`' input. */
export const searchMemoriesRule = z.object({
  namespacePrefix: prefixRule,
  query: z.string().max(8000, { error: "must be at most 8000 characters" })
    .refine((query) => query.trim() !== "", {
      error: "must not be blank; omit it to list the newest memories first",
    }).nullish(),
  filter: jsonValue({
    object: true,
    objectMessage: 'must be a JSON object, e.g. {"kind": "fact"}',
  }).nullish(),
  limit: z.int().min(1, { error: "must be at least 1" }).max(100, { error: "must be at most 100" })
    .nullish(),
  offset: z.int().min(0, { error: "must be 0 or more" }).max(10000, {
    error: "must be at most 10000",
  }).nullish(),
  vector: vectorRule.nullish(),
});

/** `deleteMemory`'s input. */
export const deleteMemoryRule = z.object({
  namespace: namespaceRule,
  key: keyRule,
  purge: z.boolean().nullish(),
});

/** `consolidateMemories`' input. */
export const consolidateMemoriesRule = z.object({
  namespace: namespaceRule,
  similarity: z.number().gt(0, { error: "must be above 0" }).max(1, {
    error: "must be at most 1",
  }).nullish(),
});
