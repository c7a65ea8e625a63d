/**
 * Finds the external validators `scripts/validate_deploy.sh` installs
 * (promtool, kubectl, Compose v2), so tests use the same binaries, and runs
 * them from the repository root.
 *
 * @module
 */

/** The repository root, as a file path ending in `/`. */
export const ROOT = decodeURIComponent(new URL("../../../", import.meta.url).pathname);

/** True under CI, where a missing validator fails instead of skipping. */
export const IN_CI = Deno.env.get("CI") === "true";

/** The tools cache `scripts/validate_deploy.sh` fills. */
export function toolsDir(): string {
  const home = Deno.env.get("HOME") ?? "";
  return Deno.env.get("GRAPHMIND_TOOLS_DIR") ||
    `${Deno.env.get("XDG_CACHE_HOME") || `${home}/.cache`}/graphmind/deploy-tools`;
}

/** The first directory on PATH holding an executable `name`. */
export function findOnPath(name: string): string | undefined {
  for (const dir of (Deno.env.get("PATH") ?? "").split(":")) {
    try {
      if (dir && Deno.statSync(`${dir}/${name}`).isFile) return `${dir}/${name}`;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/** A command's exit code and its stdout followed by its stderr. */
export interface RunResult {
  code: number;
  stdout: string;
  output: string;
}

/** Runs `program` in the repository root. */
export async function run(
  program: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<RunResult> {
  const { code, stdout, stderr } = await new Deno.Command(program, {
    args,
    cwd: ROOT,
    env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  const out = decoder.decode(stdout);
  return { code, stdout: out, output: out + decoder.decode(stderr) };
}

async function firstWorking(
  candidates: (string | undefined)[],
  versionArgs: string[],
  accept: (output: string) => boolean,
): Promise<string | undefined> {
  for (const candidate of candidates) {
    if (!candidate) continue;
    try {
      const { code, output } = await run(candidate, versionArgs);
      if (code === 0 && accept(output)) return candidate;
    } catch {
      // not installed there
    }
  }
  return undefined;
}

/** promtool from PROMTOOL_BIN or PATH. */
export function findPromtool(): Promise<string | undefined> {
  return firstWorking(
    [Deno.env.get("PROMTOOL_BIN"), findOnPath("promtool")],
    ["--version"],
    () => true,
  );
}

/** Compose v2 from COMPOSE_BIN, the tools cache, or PATH. */
export function findCompose(): Promise<string | undefined> {
  return firstWorking(
    [Deno.env.get("COMPOSE_BIN"), `${toolsDir()}/docker-compose`, findOnPath("docker-compose")],
    ["version", "--short"],
    (output) => /^v?2\./.test(output.trim()),
  );
}

/**
 * A kubectl whose embedded kustomize is v5 (the `labels` and `patches` fields
 * the overlays use): KUBECTL_BIN, PATH, or the tools cache.
 */
export function findKubectl(): Promise<string | undefined> {
  return firstWorking(
    [Deno.env.get("KUBECTL_BIN"), findOnPath("kubectl"), `${toolsDir()}/kubectl`],
    ["version", "--client"],
    (output) => /Kustomize Version: v5\./.test(output),
  );
}

/** Registers a failing test under CI, or warns and returns, when a tool is missing. */
export function reportMissing(tool: string, hint: string): void {
  const message = `${tool} not found (${hint}; bash scripts/validate_deploy.sh installs it)`;
  if (IN_CI) {
    Deno.test(`${tool} is installed in CI`, () => {
      throw new Error(message);
    });
  } else {
    console.warn(`WARNING: skipping ${tool} checks: ${message}`);
  }
}
