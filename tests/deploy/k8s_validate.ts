/**
 * Validates Kubernetes manifests offline: renders each kustomization with
 * `kubectl kustomize`, then checks every object twice against the API types
 * of npm `kubernetes-models`:
 * - `.validate()`: the JSON schema (required fields, types, enums, formats);
 * - a type check of every object as an object literal of its model's
 *   interface, which rejects unknown fields (typos such as `readinesProbe`)
 *   that the schema lets through.
 *
 * @example
 * ```sh
 * deno run --allow-read --allow-write --allow-env --allow-run \
 *   tests/deploy/k8s_validate.ts deploy/k8s/overlays/staging deploy/k8s/overlays/production
 * ```
 * @module
 */
import { parseAllDocuments } from "yaml";
import * as appsV1 from "kubernetes-models/apps/v1";
import * as autoscalingV2 from "kubernetes-models/autoscaling/v2";
import * as batchV1 from "kubernetes-models/batch/v1";
import * as coreV1 from "kubernetes-models/v1";
import * as networkingV1 from "kubernetes-models/networking.k8s.io/v1";
import * as policyV1 from "kubernetes-models/policy/v1";
import { findKubectl, ROOT, run } from "./support/tools.ts";

/** A rendered Kubernetes object. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [field: string]: unknown;
}

/** The model modules by apiVersion, and the module path each kind's type lives at. */
const MODELS: Record<string, { module: Record<string, unknown>; path: string }> = {
  "v1": { module: coreV1, path: "v1" },
  "apps/v1": { module: appsV1, path: "apps/v1" },
  "autoscaling/v2": { module: autoscalingV2, path: "autoscaling/v2" },
  "batch/v1": { module: batchV1, path: "batch/v1" },
  "networking.k8s.io/v1": { module: networkingV1, path: "networking.k8s.io/v1" },
  "policy/v1": { module: policyV1, path: "policy/v1" },
};

/** `Kind/name`, for messages. */
export function describe(object: K8sObject): string {
  return `${object.kind}/${object.metadata?.name ?? "(unnamed)"}`;
}

/** Parses a multi-document YAML stream into objects. */
export function parseManifests(text: string): K8sObject[] {
  return parseAllDocuments(text).map((document) => {
    if (document.errors.length > 0) throw new Error(document.errors.join("\n"));
    return document.toJS() as K8sObject;
  }).filter((object) => object !== null);
}

/** `kubectl kustomize <dir>`, parsed. */
export async function renderKustomization(kubectl: string, dir: string): Promise<K8sObject[]> {
  const { code, stdout, output } = await run(kubectl, ["kustomize", dir]);
  if (code !== 0) throw new Error(`kubectl kustomize ${dir} failed:\n${output}`);
  return parseManifests(stdout);
}

/** Runs each object's `kubernetes-models` `.validate()`; one message per failure. */
export function validateWithModels(objects: K8sObject[]): string[] {
  const problems: string[] = [];
  for (const object of objects) {
    const Model = MODELS[object.apiVersion]?.module[object.kind];
    if (typeof Model !== "function") {
      problems.push(`${describe(object)}: no model for ${object.apiVersion} ${object.kind}`);
      continue;
    }
    try {
      (new (Model as new (data: unknown) => { validate(): void })(object)).validate();
    } catch (error) {
      problems.push(`${describe(object)}: ${error instanceof Error ? error.message : error}`);
    }
  }
  return problems;
}

/**
 * Type-checks every object as a literal of its model's interface (`IDeployment`,
 * ...), so TypeScript's excess-property check names each unknown field.
 */
export async function checkKnownFields(objects: K8sObject[]): Promise<string[]> {
  const lines: string[] = [];
  const owners: { from: number; object: K8sObject }[] = [];
  const imports = new Set<string>();
  objects.forEach((object, index) => {
    const model = MODELS[object.apiVersion];
    if (!model) return;
    const type = `I${object.kind}_${model.path.replace(/\W/g, "_")}`;
    imports.add(
      `import type { I${object.kind} as ${type} } from ` +
        `"kubernetes-models/${model.path}/${object.kind}";`,
    );
    owners.push({ from: lines.length + 1, object });
    lines.push(`export const object${index}: ${type} = ${JSON.stringify(object, null, 1)};`);
    lines.push(...lines.pop()!.split("\n"));
  });
  const header = [...imports];
  const file = await Deno.makeTempFile({ prefix: "k8s_fields_", suffix: ".ts" });
  try {
    await Deno.writeTextFile(file, [...header, ...lines].join("\n") + "\n");
    const { code, output } = await run(Deno.execPath(), [
      "check",
      "--quiet",
      "--config",
      `${ROOT}deno.json`,
      file,
    ], { NO_COLOR: "1" });
    if (code === 0) return [];
    const problems: string[] = [];
    for (const match of output.matchAll(/(TS\d+) \[ERROR\]: ([^\n]+)[\s\S]*?:(\d+):\d+/g)) {
      const line = Number(match[3]) - header.length;
      const owner = owners.findLast((o) => o.from <= line);
      problems.push(`${owner ? describe(owner.object) : file}: ${match[2]}`);
    }
    return problems.length > 0 ? problems : [output];
  } finally {
    await Deno.remove(file);
  }
}

if (import.meta.main) {
  const kubectl = await findKubectl();
  if (!kubectl) {
    console.error("kubectl with kustomize v5 not found: set KUBECTL_BIN");
    Deno.exit(2);
  }
  let failed = false;
  for (const dir of Deno.args) {
    const objects = await renderKustomization(kubectl, dir);
    const problems = [...validateWithModels(objects), ...await checkKnownFields(objects)];
    console.log(`${dir}: ${objects.length} objects, ${problems.length} problem(s)`);
    for (const problem of problems) console.log(`  ${problem}`);
    failed ||= problems.length > 0;
  }
  Deno.exit(failed ? 1 : 0);
}
