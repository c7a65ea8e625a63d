import assert from "node:assert/strict";
import {
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isSpecifiedScalarType,
} from "graphql";
import { printSdl, schema } from "../../src/graphql/schema.ts";

Deno.test("schema/schema.graphql matches the code (run `deno task schema` to update)", async () => {
  const checkedIn = await Deno.readTextFile(
    new URL("../../schema/schema.graphql", import.meta.url),
  );
  assert.equal(checkedIn, printSdl());
});

Deno.test("every type, field, argument and enum value has a description", () => {
  const missing: string[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith("__") || isSpecifiedScalarType(type)) continue;
    if (!type.description) missing.push(type.name);
    if (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) {
        if (!field.description) missing.push(`${type.name}.${field.name}`);
        for (const arg of "args" in field ? field.args : []) {
          if (!arg.description) missing.push(`${type.name}.${field.name}(${arg.name})`);
        }
      }
    }
    if (isEnumType(type)) {
      for (const value of type.getValues()) {
        if (!value.description) missing.push(`${type.name}.${value.name}`);
      }
    }
  }
  assert.deepEqual(missing, []);
});
