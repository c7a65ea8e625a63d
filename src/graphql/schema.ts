/**
 * Assembles the schema from each domain's schema file.
 *
 * @module
 */
import { lexicographicSortSchema, printSchema } from "graphql";
import { builder } from "./builder.ts";
import { passEventsThrough } from "./event_passthrough.ts";
import "../health/schema.ts";
import "../auth/schema.ts";
import "../project/schema.ts";
import "../agents/schema.ts";
import "../tools/schema.ts";
import "../threads/schema.ts";
import "../runs/schema.ts";
import "../memories/schema.ts";
import "../documents/schema.ts";

/** The executable schema. */
export const schema = passEventsThrough(builder.toSchema());

/** The schema as SDL, sorted so the checked-in file diffs cleanly. */
export function printSdl(): string {
  return printSchema(lexicographicSortSchema(schema)) + "\n";
}
