/**
 * Subscription fields whose events are already their results. graphql-js
 * calls a subscription field's `resolve` once per event, and Pothos wraps it
 * with the field's argument mappers, so a field with validated arguments
 * (`chat`'s input) would re-run its zod validation on every token. Fields
 * marked with {@linkcode EVENT_IS_RESULT} get a plain identity `resolve`
 * after the schema is built: their arguments were validated once, when the
 * subscription started.
 *
 * @example
 * ```ts
 * builder.subscriptionField("x", (t) =>
 *   t.field({ type: X, extensions: EVENT_IS_RESULT, subscribe, resolve: (e) => e }));
 * passEventsThrough(builder.toSchema());
 * ```
 * @module
 */
import type { GraphQLSchema } from "graphql";

/** Field extensions marking a subscription whose `resolve` is the identity. */
export const EVENT_IS_RESULT = { eventIsResult: true } as const;

/** Replaces the per-event `resolve` of marked subscription fields; returns `schema`. */
export function passEventsThrough(schema: GraphQLSchema): GraphQLSchema {
  const fields = schema.getSubscriptionType()?.getFields() ?? {};
  for (const field of Object.values(fields)) {
    if (field.extensions?.eventIsResult === true) field.resolve = (event) => event;
  }
  return schema;
}
