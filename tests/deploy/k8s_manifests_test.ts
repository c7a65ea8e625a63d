/**
 * deploy/k8s: both overlays render with `kubectl kustomize`, every object
 * passes `kubernetes-models` validation with no unknown field, the design's
 * figures hold, every pod meets the "restricted" Pod Security Standard, and
 * every reference (Service selectors and ports, Ingress backends, ConfigMap
 * and Secret keys, HPA/PDB/NetworkPolicy targets) resolves.
 */
import assert from "node:assert/strict";
import { parse as parseYaml } from "yaml";
import {
  checkKnownFields,
  describe,
  type K8sObject,
  parseManifests,
  renderKustomization,
  validateWithModels,
} from "./k8s_validate.ts";
import { findKubectl, reportMissing, ROOT } from "./support/tools.ts";
import { configVariables } from "./support/config_vars.ts";

// deno-lint-ignore no-explicit-any
type Any = any;

const kubectl = await findKubectl();
if (!kubectl) reportMissing("kubectl", "kubectl with kustomize v5, or KUBECTL_BIN");

const OVERLAYS = {
  staging: { namespace: "graphmind-staging", replicas: 2, issuer: "letsencrypt-staging" },
  production: { namespace: "graphmind", replicas: 3, issuer: "letsencrypt-prod" },
} as const;

const rendered: Record<string, K8sObject[]> = {};
if (kubectl) {
  for (const name of Object.keys(OVERLAYS)) {
    rendered[name] = await renderKustomization(kubectl, `deploy/k8s/overlays/${name}`);
  }
}
const secretExample = parseManifests(
  await Deno.readTextFile(`${ROOT}deploy/k8s/secret.example.yaml`),
);
const CONFIG_VARIABLES = new Set(configVariables());
/** ConfigMap keys that are not app settings, and who reads them. */
const NON_APP_KEYS: Record<string, string> = { MEMORY_BACKUP_TARGET: "the backup CronJob" };

const find = (objects: K8sObject[], kind: string, name: string): Any => {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  assert.ok(found, `${kind}/${name} is rendered`);
  return found;
};
/** Every pod template, with the workload that owns it. */
function podTemplates(objects: K8sObject[]): { owner: K8sObject; template: Any }[] {
  return objects.flatMap((o: Any) => {
    if (o.kind === "Deployment" || o.kind === "StatefulSet") {
      return [{ owner: o, template: o.spec.template }];
    }
    if (o.kind === "CronJob") return [{ owner: o, template: o.spec.jobTemplate.spec.template }];
    return [];
  });
}
const containersOf = (spec: Any): Any[] => [...(spec.initContainers ?? []), ...spec.containers];
const matches = (selector: Record<string, string>, labels: Record<string, string> = {}) =>
  Object.entries(selector).every(([key, value]) => labels[key] === value);

for (const [overlay, expected] of Object.entries(OVERLAYS)) {
  const test = (name: string, fn: (objects: K8sObject[]) => void | Promise<void>) =>
    Deno.test({
      name: `k8s ${overlay}: ${name}`,
      ignore: !kubectl,
      fn: () => fn(rendered[overlay]!),
    });

  test("every object passes kubernetes-models validation, with no unknown field", async (objects) => {
    assert.ok(objects.length >= 20, `${objects.length} objects`);
    assert.deepEqual(validateWithModels(objects), []);
    assert.deepEqual(await checkKnownFields(objects), []);
  });

  test("one namespace, Pod Security 'restricted', holding every object", (objects) => {
    const namespace = find(objects, "Namespace", expected.namespace);
    assert.equal(namespace.metadata.labels["pod-security.kubernetes.io/enforce"], "restricted");
    for (const object of objects.filter((o) => o.kind !== "Namespace")) {
      assert.equal(object.metadata.namespace, expected.namespace, describe(object));
    }
  });

  test("API Deployment: replicas, probes, design resources, non-root, read-only root", (objects) => {
    const api = find(objects, "Deployment", "graphmind-api");
    assert.equal(api.spec.replicas, expected.replicas);
    const pod = api.spec.template.spec;
    const [container] = pod.containers;
    assert.equal(container.image, "registry.example.com/graphmind:1.0.0");
    assert.deepEqual(container.resources, {
      requests: { memory: "512Mi", cpu: "250m" },
      limits: { memory: "1Gi", cpu: "500m" },
    });
    const { livenessProbe: live, readinessProbe: ready } = container;
    assert.deepEqual([live.httpGet.path, live.initialDelaySeconds, live.periodSeconds], [
      "/health/live",
      30,
      10,
    ]);
    assert.deepEqual([ready.httpGet.path, ready.initialDelaySeconds, ready.periodSeconds], [
      "/health/ready",
      5,
      5,
    ]);
    assert.equal(container.ports[0].containerPort, 8000);
    assert.equal(pod.securityContext.runAsUser, 10001, "the image's app user");
    assert.equal(container.securityContext.readOnlyRootFilesystem, true);
    const volumes = new Map(pod.volumes.map((v: Any) => [v.name, v]));
    const mounts = Object.fromEntries(
      container.volumeMounts.map((m: Any) => [m.mountPath, m.name]),
    );
    for (const path of ["/app/.data", "/tmp"]) {
      assert.ok((volumes.get(mounts[path]) as Any)?.emptyDir, `${path} is an emptyDir`);
    }
    const env = Object.fromEntries(container.env.map((e: Any) => [e.name, e]));
    for (
      const secret of ["DATABASE_URL", "SECRET_KEY", "UPSTASH_REDIS_REST_TOKEN", "OPENAI_API_KEY"]
    ) {
      assert.equal(env[secret].valueFrom.secretKeyRef.name, "graphmind-secrets", secret);
    }
    const config = find(objects, "ConfigMap", pod.containers[0].envFrom[0].configMapRef.name);
    assert.equal(config.data.ENVIRONMENT, overlay);
    const shutdown = Number(config.data.SHUTDOWN_TIMEOUT);
    assert.ok(shutdown + 5 < pod.terminationGracePeriodSeconds, "drain fits the grace period");
  });

  test("Service, TLS Ingress with cert-manager, HPA and PDB target the API", (objects) => {
    const service = find(objects, "Service", "graphmind-api");
    assert.deepEqual([service.spec.ports[0].port, service.spec.ports[0].targetPort], [80, "http"]);
    const ingress = find(objects, "Ingress", "graphmind-api");
    assert.equal(ingress.metadata.annotations["cert-manager.io/cluster-issuer"], expected.issuer);
    const host = ingress.spec.rules[0].host;
    assert.deepEqual(ingress.spec.tls, [{ hosts: [host], secretName: "graphmind-api-tls" }]);
    const paths = ingress.spec.rules[0].http.paths.map((p: Any) => p.path);
    assert.deepEqual(paths, ["/graphql", "/health"], "/metrics stays inside the cluster");
    for (const path of ingress.spec.rules[0].http.paths) {
      const backend = find(objects, "Service", path.backend.service.name);
      assert.ok(backend.spec.ports.some((p: Any) => p.name === path.backend.service.port.name));
    }
    const hpa = find(objects, "HorizontalPodAutoscaler", "graphmind-api");
    assert.deepEqual(hpa.spec.scaleTargetRef, {
      apiVersion: "apps/v1",
      kind: "Deployment",
      name: "graphmind-api",
    });
    assert.equal(hpa.spec.minReplicas, expected.replicas);
    const pdb = find(objects, "PodDisruptionBudget", "graphmind-api");
    assert.ok(pdb.spec.minAvailable < expected.replicas, "a drain can always evict one pod");
  });

  test("every pod meets the restricted Pod Security Standard and sets resources", (objects) => {
    const templates = podTemplates(objects);
    assert.equal(templates.length, 5, "api, redis-proxy, postgres, redis, backup");
    for (const { owner, template } of templates) {
      const pod = template.spec;
      assert.equal(pod.securityContext.runAsNonRoot, true, describe(owner));
      assert.equal(pod.securityContext.seccompProfile.type, "RuntimeDefault", describe(owner));
      assert.equal(pod.automountServiceAccountToken, false, describe(owner));
      for (const container of containersOf(pod)) {
        const where = `${describe(owner)} ${container.name}`;
        const security = container.securityContext;
        assert.equal(security.allowPrivilegeEscalation, false, where);
        assert.deepEqual(security.capabilities.drop, ["ALL"], where);
        assert.equal(security.readOnlyRootFilesystem, true, where);
        assert.notEqual(security.privileged, true, where);
        assert.ok(container.resources.requests && container.resources.limits, `${where} resources`);
        assert.match(container.image, /:[\w.-]+$/, `${where} image has a tag`);
        assert.doesNotMatch(container.image, /:latest$/, `${where} image is pinned`);
      }
    }
  });

  test("Postgres (pgvector) and Redis: StatefulSets with volumes, design resources", (objects) => {
    const postgres = find(objects, "StatefulSet", "postgres");
    const pg = postgres.spec.template.spec.containers[0];
    assert.match(pg.image, /^pgvector\/pgvector:0\.8\.\d+-pg16$/);
    assert.deepEqual(pg.resources, {
      requests: { memory: "512Mi", cpu: "250m" },
      limits: { memory: "2Gi", cpu: "1000m" },
    });
    assert.equal(postgres.spec.volumeClaimTemplates[0].metadata.name, "data");
    assert.ok(pg.volumeMounts.some((m: Any) => m.name === "data"));
    const redis = find(objects, "StatefulSet", "redis");
    const rd = redis.spec.template.spec.containers[0];
    assert.match(rd.image, /^redis:7(\.\d+)*-alpine$/);
    assert.ok(rd.args.join(" ").includes("--appendonly yes"));
    assert.deepEqual(rd.resources, {
      requests: { memory: "256Mi", cpu: "100m" },
      limits: { memory: "1Gi", cpu: "500m" },
    });
    assert.equal(redis.spec.volumeClaimTemplates[0].metadata.name, "data");
    const proxy = find(objects, "Deployment", "redis-proxy").spec.template.spec.containers[0];
    assert.deepEqual(proxy.args, ["task", "redis-proxy"]);
    assert.equal(
      proxy.image,
      find(objects, "Deployment", "graphmind-api").spec.template.spec.containers[0].image,
    );
  });

  test("backups: a weekly CronJob, and the in-app scheduler switched off", (objects) => {
    const cronjob = find(objects, "CronJob", "graphmind-memory-backup");
    assert.equal(cronjob.spec.schedule, "0 3 * * 0");
    assert.equal(cronjob.spec.concurrencyPolicy, "Forbid");
    const memory = objects.find((o: Any) =>
      o.kind === "ConfigMap" && o.data?.MEMORY_BACKUP_TARGET
    ) as Any;
    assert.equal(memory.data.MEMORY_BACKUP_ENABLED, "false");
    assert.equal(memory.data.MEMORY_BACKUP_INTERVAL, "604800");
    assert.equal(memory.data.MEMORY_BACKUP_TARGET, "s3://langmem-backups/");
    for (
      const key of [
        "LANGMEM_EMBEDDING_DIMS",
        "LANGMEM_MAX_MEMORIES_PER_NAMESPACE",
        "LANGMEM_AUTO_CONSOLIDATE",
        "LANGMEM_CONSOLIDATE_THRESHOLD",
        "MEMORY_CLEANUP_INTERVAL",
        "REDIS_MEMORY_CACHE_TTL",
        "EMBEDDING_MODEL",
      ]
    ) {
      assert.ok(key in memory.data, `the memory ConfigMap sets ${key}`);
    }
  });

  test("ConfigMap keys are real settings; Secret and ConfigMap references resolve", (objects) => {
    for (const configMap of objects.filter((o: Any) => o.kind === "ConfigMap") as Any[]) {
      for (const key of Object.keys(configMap.data)) {
        assert.ok(
          CONFIG_VARIABLES.has(key) || key in NON_APP_KEYS,
          `${describe(configMap)}: ${key} is read by nothing`,
        );
      }
    }
    const secretKeys = new Map(
      secretExample.map((s: Any) => [s.metadata.name, Object.keys(s.stringData)]),
    );
    for (const { owner, template } of podTemplates(objects)) {
      for (const container of containersOf(template.spec)) {
        for (const { valueFrom } of container.env ?? []) {
          const secret = valueFrom?.secretKeyRef;
          if (secret) {
            assert.ok(
              secretKeys.get(secret.name)?.includes(secret.key),
              `${describe(owner)}: ${secret.name}/${secret.key} in secret.example.yaml`,
            );
          }
          const config = valueFrom?.configMapKeyRef;
          if (config) {
            assert.ok(
              find(objects, "ConfigMap", config.name).data[config.key],
              `${config.name}/${config.key}`,
            );
          }
        }
        for (const { configMapRef } of container.envFrom ?? []) {
          find(objects, "ConfigMap", configMapRef.name);
        }
      }
    }
  });

  test("Services, PDBs and NetworkPolicies select existing pods and named ports", (objects) => {
    const pods = podTemplates(objects).map(({ template }) => template);
    const selecting = (selector: Record<string, string>) =>
      pods.filter((t: Any) => matches(selector, t.metadata.labels));
    for (const service of objects.filter((o) => o.kind === "Service") as Any[]) {
      const targets = selecting(service.spec.selector);
      assert.ok(targets.length > 0, `${describe(service)} selects a pod`);
      for (const port of service.spec.ports) {
        const named = targets.flatMap((t: Any) =>
          t.spec.containers.flatMap((c: Any) => c.ports ?? [])
        );
        assert.ok(
          named.some((p: Any) => p.name === port.targetPort),
          `${describe(service)} port ${port.targetPort}`,
        );
      }
    }
    for (const policy of objects.filter((o) => o.kind === "NetworkPolicy") as Any[]) {
      const selector = policy.spec.podSelector.matchLabels ?? {};
      assert.ok(selecting(selector).length > 0, `${describe(policy)} selects a pod`);
      for (const rule of [...(policy.spec.ingress ?? []), ...(policy.spec.egress ?? [])]) {
        for (const peer of [...(rule.from ?? []), ...(rule.to ?? [])]) {
          if (peer.podSelector) {
            assert.ok(
              selecting(peer.podSelector.matchLabels).length > 0,
              `${describe(policy)} peer`,
            );
          }
        }
      }
    }
    assert.ok(find(objects, "NetworkPolicy", "default-deny-ingress"));
    const pdb = find(objects, "PodDisruptionBudget", "graphmind-api");
    assert.equal(selecting(pdb.spec.selector.matchLabels).length, 1);
  });
}

Deno.test("secret.example.yaml: valid Secrets holding placeholders only, in no kustomization", async () => {
  assert.deepEqual(validateWithModels(secretExample), []);
  assert.deepEqual(await checkKnownFields(secretExample), []);
  for (const secret of secretExample as Any[]) {
    for (const [key, value] of Object.entries(secret.stringData as Record<string, string>)) {
      if (key === "AWS_DEFAULT_REGION") continue;
      assert.match(value, /CHANGE-ME/, `${describe(secret)} ${key} is a placeholder`);
    }
  }
  const base = parseYaml(await Deno.readTextFile(`${ROOT}deploy/k8s/base/kustomization.yaml`));
  assert.ok(!JSON.stringify(base).includes("secret"), "the base ships no Secret");
});
