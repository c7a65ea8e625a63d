/**
 * GraphQL enums whose values are their names in lower case. Every enum of
 * the schema is one: the database and the services speak lower-case strings
 * (`"in_progress"`), clients see `IN_PROGRESS`, and each value needs only
 * its description.
 *
 * @example
 * ```ts
 * const Status = lowerCaseEnum("Status", "Where a job stands.", {
 *   RUNNING: "Executing.",
 *   DONE: "Finished.",
 * }); // values "running" and "done"
 * ```
 * @module
 */
import { builder } from "./builder.ts";

/** An enum from value names to their descriptions; each value is its name in lower case. */
export function lowerCaseEnum<const Values extends Record<string, string>>(
  name: string,
  description: string,
  values: Values,
) {
  const config = Object.fromEntries(
    Object.entries(values).map((
      [key, text],
    ) => [key, { value: key.toLowerCase(), description: text }]),
  ) as { [Key in keyof Values & string]: { value: Lowercase<Key>; description: string } };
  return builder.enumType(name, { description, values: config });
}
