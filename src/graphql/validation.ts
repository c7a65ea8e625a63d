/**
 * Turns a failed input validation into the contract's `BAD_USER_INPUT`,
 * naming every field that failed and the rule it broke, so a client can fix
 * all of them in one round trip.
 *
 * @module
 */
import type { StandardSchemaV1 } from "@pothos/plugin-validation";
import { BadUserInputError } from "./errors.ts";

/** One rejected field: its dotted path and the rule's message. */
export interface InvalidField {
  field: string;
  message: string;
}

/** The Pothos validation plugin's error hook. */
export function validationError(
  result: StandardSchemaV1.FailureResult,
): BadUserInputError {
  const fields = result.issues.map(toInvalidField);
  const summary = fields.map((f) => `${f.field}: ${f.message}`).join("; ");
  return new BadUserInputError(`Invalid input. ${summary}.`, {
    ...(fields[0] === undefined ? {} : { field: fields[0].field }),
    extensions: { invalidFields: fields },
  });
}

function toInvalidField(issue: StandardSchemaV1.Issue): InvalidField {
  const path = (issue.path ?? []).map((segment) =>
    typeof segment === "object" && segment !== null ? String(segment.key) : String(segment)
  );
  return { field: path.join(".") || "input", message: issue.message };
}
