/**
 * Lua script translation for the proxy. `@upstash/ratelimit` 2.1+ starts its
 * scripts with `#!lua flags=allow-key-locking`, a flag only Upstash knows;
 * Redis 7 rejects the script ("Unexpected flag in script shebang"). The proxy
 * strips that flag before Redis sees the script.
 *
 * Stripping changes the script's SHA1, but clients call EVALSHA with the SHA1
 * of the script they hold (ratelimit ships it precomputed) and fall back to
 * EVAL on NOSCRIPT. So the translator remembers, per script it rewrote, the
 * client's SHA1 and the SHA1 Redis knows, and swaps one for the other in
 * EVALSHA, SCRIPT EXISTS and the reply of SCRIPT LOAD.
 *
 * @module
 */
import type { RespValue } from "./resp.ts";

const FLAG = "allow-key-locking";
const encoder = new TextEncoder();

/** A command ready for Redis, with an optional rewrite of its reply. */
export interface TranslatedCommand {
  args: string[];
  mapReply?: (reply: RespValue) => RespValue;
}

/** Translates script commands; every other command passes through untouched. */
export interface ScriptTranslator {
  translate(args: string[]): Promise<TranslatedCommand>;
}

/**
 * Returns the script without the `allow-key-locking` flag, or `undefined`
 * when it has no such flag. Other flags stay; a shebang left with no flags is
 * dropped, keeping its line break so Redis error line numbers still match.
 */
export function stripKeyLockingFlag(script: string): string | undefined {
  const lineEnd = script.indexOf("\n");
  const firstLine = (lineEnd === -1 ? script : script.slice(0, lineEnd)).trimEnd();
  const rest = lineEnd === -1 ? "" : script.slice(lineEnd);
  if (!firstLine.startsWith("#!lua")) return undefined;
  let found = false;
  const kept: string[] = [];
  for (const param of firstLine.slice("#!lua".length).trim().split(/\s+/).filter(Boolean)) {
    if (!param.startsWith("flags=")) {
      kept.push(param);
      continue;
    }
    const flags = param.slice("flags=".length).split(",").filter((flag) => {
      if (flag !== FLAG) return true;
      found = true;
      return false;
    });
    if (flags.length > 0) kept.push(`flags=${flags.join(",")}`);
  }
  if (!found) return undefined;
  return kept.length === 0 ? rest : `#!lua ${kept.join(" ")}${rest}`;
}

/** SHA1 of a script as Redis computes it: lowercase hex of its UTF-8 bytes. */
export async function scriptSha(script: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-1", encoder.encode(script)));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Creates a translator that remembers up to `maxScripts` rewritten scripts;
 * forgetting one only costs the client a NOSCRIPT and a fallback EVAL.
 */
export function createScriptTranslator(maxScripts = 1000): ScriptTranslator {
  const redisShaOf = new Map<string, string>();

  async function rewrite(script: string): Promise<{ script: string; clientSha?: string }> {
    const stripped = stripKeyLockingFlag(script);
    if (stripped === undefined) return { script };
    const [clientSha, redisSha] = await Promise.all([scriptSha(script), scriptSha(stripped)]);
    redisShaOf.delete(clientSha);
    redisShaOf.set(clientSha, redisSha);
    if (redisShaOf.size > maxScripts) {
      const oldest = redisShaOf.keys().next().value;
      if (oldest !== undefined) redisShaOf.delete(oldest);
    }
    return { script: stripped, clientSha };
  }

  function toRedisSha(sha: string): string {
    return redisShaOf.get(sha.toLowerCase()) ?? sha;
  }

  return {
    async translate(args) {
      const name = args[0]?.toUpperCase();
      const sub = args[1]?.toUpperCase();
      if ((name === "EVAL" || name === "EVAL_RO") && args[1] !== undefined) {
        const { script } = await rewrite(args[1]);
        return { args: [args[0]!, script, ...args.slice(2)] };
      }
      if ((name === "EVALSHA" || name === "EVALSHA_RO") && args[1] !== undefined) {
        return { args: [args[0]!, toRedisSha(args[1]), ...args.slice(2)] };
      }
      if (name === "SCRIPT" && sub === "EXISTS") {
        return { args: [...args.slice(0, 2), ...args.slice(2).map(toRedisSha)] };
      }
      if (name === "SCRIPT" && sub === "LOAD" && args[2] !== undefined) {
        const { script, clientSha } = await rewrite(args[2]);
        const translated: TranslatedCommand = { args: [...args.slice(0, 2), script] };
        // The client expects the SHA1 of what it sent, as real Upstash returns.
        if (clientSha !== undefined) {
          translated.mapReply = (reply) =>
            reply instanceof Uint8Array ? encoder.encode(clientSha) : reply;
        }
        return translated;
      }
      return { args };
    },
  };
}
