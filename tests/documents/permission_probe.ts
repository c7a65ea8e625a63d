/**
 * Run by extract_sandbox_test.ts with the extraction child's own flags:
 * tries what a parser exploited by a hostile file would try, and prints
 * one line per attempt saying whether it was refused.
 *
 * @module
 */
const attempts: Record<string, () => unknown> = {
  "read a file": () => Deno.readTextFileSync("/etc/hostname"),
  "write a file": () => Deno.writeTextFileSync("/tmp/graphmind-probe", "x"),
  "read the environment": () => Deno.env.get("HOME"),
  "open a socket": () => Deno.listen({ port: 0 }),
  "start a process": () => new Deno.Command("/bin/sh", { args: ["-c", "true"] }).outputSync(),
};
for (const [name, attempt] of Object.entries(attempts)) {
  let outcome: string;
  try {
    attempt();
    outcome = "allowed";
  } catch (error) {
    outcome = error instanceof Deno.errors.NotCapable ? "refused" : `failed: ${error}`;
  }
  console.log(`${name}: ${outcome}`);
}
