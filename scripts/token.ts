/**
 * `deno task token --sub alice [--roles admin,editor] [--ttl 30m]`: prints a
 * development token signed with `SECRET_KEY` (and `ALGORITHM`), for curl,
 * GraphiQL's headers tab or a WebSocket client's `connectionParams`.
 *
 * The token goes alone to stdout, so `TOKEN=$(deno task token --sub alice)`
 * works; every message goes to stderr.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { ConfigError, loadConfig } from "../src/config.ts";
import { signJwt } from "../src/auth/jwt.ts";

const USAGE = "usage: deno task token --sub <user> [--roles admin,editor] [--ttl 30m]";

/** What a run printed and its exit code. */
export interface TokenResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Parses `90s`, `30m`, `12h` or `7d` (a bare number is minutes) into seconds. */
export function parseTtl(text: string): number | undefined {
  const match = /^(\d+)\s*([smhd]?)$/.exec(text.trim());
  if (!match) return undefined;
  const unit = { s: 1, m: 60, h: 3600, d: 86400, "": 60 }[match[2] as "s" | "m" | "h" | "d" | ""];
  const seconds = Number(match[1]) * unit;
  return seconds > 0 ? seconds : undefined;
}

/** Runs the command on `args` and `env`; the script's entry point prints the result. */
export async function tokenCommand(
  args: string[],
  env: Record<string, string | undefined>,
): Promise<TokenResult> {
  const fail = (message: string): TokenResult => ({ code: 2, stdout: "", stderr: message });
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        sub: { type: "string" },
        roles: { type: "string", multiple: true },
        ttl: { type: "string" },
      },
      strict: true,
    }));
  } catch (error) {
    return fail(`${error instanceof Error ? error.message : error}\n${USAGE}`);
  }
  if (!values.sub) return fail(`--sub is required: the user the token acts for.\n${USAGE}`);
  let config;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return { code: 78, stdout: "", stderr: error.message };
    throw error;
  }
  const secret = config.security.secretKey;
  if (secret === undefined) {
    return {
      code: 78,
      stdout: "",
      stderr: "SECRET_KEY is not set, so there is nothing to sign with. Set the same " +
        "SECRET_KEY (16+ characters) the server uses, e.g. SECRET_KEY=... deno task token --sub alice",
    };
  }
  const ttl = values.ttl === undefined
    ? config.security.accessTokenExpireMinutes * 60
    : parseTtl(values.ttl);
  if (ttl === undefined) {
    return fail(`Invalid --ttl ${JSON.stringify(values.ttl)}: expected e.g. 90s, 30m, 12h or 7d.`);
  }
  const roles = (values.roles ?? []).flatMap((r) => r.split(",")).map((r) => r.trim())
    .filter(Boolean);
  const token = await signJwt({ sub: values.sub, roles }, secret, {
    algorithm: config.security.algorithm,
    expiresInSeconds: ttl,
  });
  const notes = [
    `token for ${JSON.stringify(values.sub)}, roles [${roles.join(", ")}], ` +
    `expires in ${ttl} s`,
  ];
  if (config.security.jwksUrl !== undefined) {
    notes.push("warning: JWKS_URL is set, so the server accepts only its provider's tokens");
  }
  return { code: 0, stdout: token + "\n", stderr: notes.join("\n") };
}

if (import.meta.main) {
  const result = await tokenCommand(Deno.args, Deno.env.toObject());
  if (result.stdout) await Deno.stdout.write(new TextEncoder().encode(result.stdout));
  if (result.stderr) console.error(result.stderr);
  Deno.exit(result.code);
}
