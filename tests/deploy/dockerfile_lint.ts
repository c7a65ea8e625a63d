/**
 * A Dockerfile linter that needs neither Docker nor hadolint (neither exists
 * here): dockerfile-utils, the validator behind VS Code's Docker language
 * server, checks syntax, flags, durations and JSON forms, and a few
 * hadolint-style rules check what makes an image safe to run. Rule ids reuse
 * hadolint's where one exists.
 *
 * @example
 * ```sh
 * deno run --allow-read tests/deploy/dockerfile_lint.ts Dockerfile
 * ```
 * @module
 */
import {
  DockerfileParser,
  type Instruction,
  ModifiableInstruction,
  PropertyInstruction,
} from "dockerfile-ast";
import { validate, ValidationSeverity } from "dockerfile-utils";

/** One problem found in a Dockerfile. Lines count from 1. */
export interface Finding {
  line: number;
  rule: string;
  message: string;
}

/** The instructions of one build stage; `from` is its FROM instruction. */
export interface Stage {
  from: Instruction;
  /** The base image with build arguments expanded, e.g. `denoland/deno:2.9.1`. */
  image: string;
  /** The `AS` name, if any. */
  name: string | undefined;
  instructions: Instruction[];
}

/** Splits a Dockerfile into build stages. */
export function parseStages(text: string): Stage[] {
  const stages: Stage[] = [];
  for (const instruction of DockerfileParser.parse(text).getInstructions()) {
    if (instruction.getKeyword() === "FROM") {
      const args = instruction.getExpandedArguments().map((arg) => arg.getValue());
      const asIndex = args.findIndex((arg) => arg.toUpperCase() === "AS");
      stages.push({
        from: instruction,
        image: args.find((arg) => !arg.startsWith("--")) ?? "",
        name: asIndex >= 0 ? args[asIndex + 1] : undefined,
        instructions: [],
      });
    } else {
      stages.at(-1)?.instructions.push(instruction);
    }
  }
  return stages;
}

/** The exec-form argument list of a JSON instruction (`CMD ["a", "b"]`), or undefined. */
export function execForm(instruction: Instruction): string[] | undefined {
  const content = instruction.getArgumentsContent() ?? "";
  // HEALTHCHECK carries flags and a CMD subcommand before the JSON array.
  const json = instruction.getKeyword() === "HEALTHCHECK"
    ? content.replace(/^(\s*--\S+\s+)*\s*CMD\s+/i, "")
    : content;
  if (!json.trimStart().startsWith("[")) return undefined;
  try {
    const parsed: unknown = JSON.parse(json);
    return Array.isArray(parsed) && parsed.every((item) => typeof item === "string")
      ? parsed
      : undefined;
  } catch {
    return undefined;
  }
}

/** The `--name=value` flags of an instruction, by name. */
export function flagsOf(instruction: Instruction): Map<string, string> {
  const flags = new Map<string, string>();
  if (instruction instanceof ModifiableInstruction) {
    for (const flag of instruction.getFlags()) flags.set(flag.getName(), flag.getValue() ?? "");
  }
  return flags;
}

const SECRET_NAME = /(SECRET|PASSWORD|PASSWD|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIALS?)/i;

/** Lints a Dockerfile's text and returns every finding; an empty list means clean. */
export function lintDockerfile(text: string): Finding[] {
  const findings: Finding[] = [];
  const lineOf = (instruction: Instruction) => instruction.getRange().start.line + 1;
  const report = (instruction: Instruction, rule: string, message: string) =>
    findings.push({ line: lineOf(instruction), rule, message });

  // Every optional dockerfile-utils check is raised to an error.
  for (
    const diagnostic of validate(text, {
      deprecatedMaintainer: ValidationSeverity.ERROR,
      directiveCasing: ValidationSeverity.ERROR,
      emptyContinuationLine: ValidationSeverity.ERROR,
      instructionCasing: ValidationSeverity.ERROR,
      instructionCmdMultiple: ValidationSeverity.ERROR,
      instructionEntrypointMultiple: ValidationSeverity.ERROR,
      instructionHealthcheckMultiple: ValidationSeverity.ERROR,
      instructionJSONInSingleQuotes: ValidationSeverity.ERROR,
      instructionWorkdirRelative: ValidationSeverity.ERROR,
    })
  ) {
    findings.push({
      line: diagnostic.range.start.line + 1,
      rule: `dockerfile-utils/${diagnostic.code ?? "?"}`,
      message: typeof diagnostic.message === "string"
        ? diagnostic.message
        : diagnostic.message.value,
    });
  }

  const stages = parseStages(text);
  if (stages.length === 0) {
    findings.push({ line: 1, rule: "GM001", message: "No FROM instruction." });
    return findings;
  }
  const stageNames = new Set(stages.map((stage) => stage.name?.toLowerCase()));

  for (const stage of stages) {
    const image = stage.image;
    if (stageNames.has(image.toLowerCase()) || image === "scratch") continue;
    if (image.includes("$")) {
      report(stage.from, "GM002", `Base image "${image}" uses a build argument with no default.`);
    } else if (/:latest(@|$)/.test(image)) {
      report(stage.from, "DL3007", `Base image "${image}" uses "latest"; pin a version.`);
    } else if (!/^[^@]*:[^/@]+(@|$)|@sha256:/.test(image)) {
      report(stage.from, "DL3006", `Base image "${image}" has no tag; pin a version.`);
    }
  }

  for (const stage of stages) {
    for (const instruction of stage.instructions) {
      const keyword = instruction.getKeyword();
      const args = instruction.getArgumentsContent() ?? "";
      if (keyword === "ADD" && !/https?:\/\/|\.(tar|tgz|tar\.\w+)(\s|$)/.test(args)) {
        report(instruction, "DL3020", "Use COPY instead of ADD for files and folders.");
      }
      if ((keyword === "CMD" || keyword === "ENTRYPOINT") && execForm(instruction) === undefined) {
        report(
          instruction,
          "DL3025",
          `${keyword} uses the shell form; use the JSON (exec) form so signals reach the process.`,
        );
      }
      if (keyword === "RUN") {
        if (/(^|[;&|]\s*)sudo\s/.test(args)) {
          report(instruction, "DL3004", "Do not use sudo in RUN; switch USER instead.");
        }
        if (/(^|[;&|]\s*)cd\s/.test(args)) {
          report(instruction, "DL3003", "Use WORKDIR instead of cd in RUN.");
        }
        if (/apt-get\s+(\S+\s+)*install\b/.test(args)) {
          if (!/\s(-y|--yes|--assume-yes)\b/.test(args)) {
            report(instruction, "DL3014", "apt-get install needs -y to run unattended.");
          }
          if (!/--no-install-recommends\b/.test(args)) {
            report(instruction, "DL3015", "apt-get install should use --no-install-recommends.");
          }
        }
      }
      if (keyword === "ENV" || keyword === "ARG") {
        for (const [name, value] of properties(instruction)) {
          if (SECRET_NAME.test(name) && value !== "") {
            report(
              instruction,
              "GM003",
              `${keyword} ${name} bakes a secret into the image; pass it at run time.`,
            );
          }
        }
      }
    }
  }

  const final = stages.at(-1)!;
  const users = final.instructions.filter((instruction) => instruction.getKeyword() === "USER");
  const lastUser = users.at(-1);
  if (lastUser === undefined) {
    report(final.from, "DL3002", "The final stage sets no USER, so the container runs as root.");
  } else {
    const user = (lastUser.getArgumentsContent() ?? "").trim().split(":")[0];
    if (user === "root" || user === "0") {
      report(lastUser, "DL3002", "The last USER is root; run as an unprivileged user.");
    }
  }
  if (!final.instructions.some((instruction) => instruction.getKeyword() === "HEALTHCHECK")) {
    report(final.from, "GM004", "The final stage has no HEALTHCHECK.");
  }
  return findings.sort((a, b) => a.line - b.line);
}

/** `NAME=value` pairs of an ENV or ARG instruction (ARG without a default has value ""). */
function properties(instruction: Instruction): [string, string][] {
  if (!(instruction instanceof PropertyInstruction)) return [];
  return instruction.getProperties().map((property) => [
    property.getName(),
    property.getValue() ?? "",
  ]);
}

if (import.meta.main) {
  const paths = Deno.args.length > 0 ? Deno.args : ["Dockerfile"];
  let total = 0;
  for (const path of paths) {
    const findings = lintDockerfile(await Deno.readTextFile(path));
    for (const finding of findings) {
      console.log(`${path}:${finding.line}: ${finding.rule} ${finding.message}`);
    }
    total += findings.length;
  }
  if (total > 0) Deno.exit(1);
  console.log(`${paths.join(", ")}: no findings`);
}
