/**
 * Turns a failed input validation into the contract's `BAD_USER_INPUT`,
 * naming every field that failed and the rule it broke, so a client can fix
 * all of them in one round trip.
 *
 * @module
 */
import { BadUserInputError } from "./errors.ts";

/**
 * A failed validation as the Standard Schema specification reports it (zod
 * does, and so does Pothos' validation plugin).
 */
export interface ValidationFailure {
  issues: readonly ValidationIssue[];
}

/** One issue of a {@linkcode ValidationFailure}. */
export interface ValidationIssue {
  message: string;
  path?: readonly (PropertyKey | { key: PropertyKey })[] | undefined;
}

/** One rejected field: its dotted path, the rule it broke and the rule's message. */
export interface InvalidField {
  field: string;
  /** e.g. `maxLength`, `jsonDepth` (src/graphql/input_rules.ts), or one named after zod's check. */
  rule: string;
  message: string;
}

/** The Pothos validation plugin's error hook. */
export function validationError(
  result: ValidationFailure,
): BadUserInputError {
  const fields = result.issues.map(toInvalidField);
  const summary = fields.map((f) => `${f.field}: ${f.message}`).join("; ");
  return new BadUserInputError(`Invalid input. ${summary}.`, {
    ...(fields[0] === undefined ? {} : { field: fields[0].field }),
    extensions: { invalidFields: fields },
  });
}

function toInvalidField(issue: ValidationIssue): InvalidField {
  const path = (issue.path ?? []).map((segment) =>
    typeof segment === "object" && segment !== null ? String(segment.key) : String(segment)
  );
  const rule = ruleOf(issue as ZodLikeIssue);
  return { field: path.join(".") || "input", rule, message: `${issue.message} (${rule})` };
}

/** The fields of a zod 4 issue this reads; other libraries' issues lack them. */
interface ZodLikeIssue {
  code?: string;
  origin?: string;
  format?: string;
  params?: { rule?: unknown };
}

const BOUND: Record<string, [string, string]> = {
  string: ["minLength", "maxLength"],
  array: ["minItems", "maxItems"],
  set: ["minItems", "maxItems"],
};

/** The rule an issue broke: the one a rule names, or one named after zod's check. */
function ruleOf(issue: ZodLikeIssue): string {
  if (typeof issue.params?.rule === "string") return issue.params.rule;
  const [min, max] = BOUND[issue.origin ?? ""] ?? ["min", "max"];
  switch (issue.code) {
    case "too_small":
      return min;
    case "too_big":
      return max;
    case "invalid_format":
      return issue.format ?? "format";
    case "invalid_value":
      return "oneOf";
    case "invalid_type":
      return "type";
    case "unrecognized_keys":
      return "unknownKeys";
    case undefined:
      return "invalid";
    default:
      return issue.code;
  }
}
