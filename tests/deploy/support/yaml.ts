/**
 * Reading the deploy files as plain data in tests.
 *
 * @module
 */
import assert from "node:assert/strict";
import { parse as parseYaml } from "yaml";
import { ROOT } from "./tools.ts";

/** A YAML mapping. */
export type Yaml = Record<string, unknown>;

/** Asserts `value` is a mapping and returns it. */
export function asObject(value: unknown, what: string): Yaml {
  assert.ok(value !== null && typeof value === "object" && !Array.isArray(value), what);
  return value as Yaml;
}

/** A repository file's text. */
export function readFile(path: string): string {
  return Deno.readTextFileSync(`${ROOT}${path}`);
}

/** A repository YAML file that holds a mapping. */
export function readYaml(path: string): Yaml {
  return asObject(parseYaml(readFile(path)), `${path} is a mapping`);
}
