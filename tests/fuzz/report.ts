/**
 * Counts fuzz outcomes and prints them as a plain-text table: one row per
 * input class, one column per outcome (an error code, or a problem such as
 * `INTERNAL` or `rows written`), with totals.
 *
 * @example
 * ```ts
 * const tally = new OutcomeTally();
 * tally.add("empty-string", "BAD_USER_INPUT");
 * console.log(tally.table());
 * ```
 * @module
 */

/** Counts by row label and outcome. */
export class OutcomeTally {
  readonly #counts = new Map<string, Map<string, number>>();

  /** Counts one case. */
  add(row: string, outcome: string): void {
    const counts = this.#counts.get(row) ?? new Map<string, number>();
    counts.set(outcome, (counts.get(outcome) ?? 0) + 1);
    this.#counts.set(row, counts);
  }

  /** Cases counted. */
  get total(): number {
    let n = 0;
    for (const counts of this.#counts.values()) for (const c of counts.values()) n += c;
    return n;
  }

  /** The table, with `title` over the row labels. */
  table(title: string): string {
    const outcomes = [...new Set([...this.#counts.values()].flatMap((c) => [...c.keys()]))].sort();
    const rows = [...this.#counts.keys()].sort();
    const header = [title, ...outcomes, "total"];
    const body = rows.map((row) => {
      const counts = this.#counts.get(row)!;
      const cells = outcomes.map((o) => String(counts.get(o) ?? 0));
      const total = [...counts.values()].reduce((a, b) => a + b, 0);
      return [row, ...cells, String(total)];
    });
    const totals = outcomes.map((o) =>
      String(rows.reduce((sum, row) => sum + (this.#counts.get(row)!.get(o) ?? 0), 0))
    );
    const all = [header, ...body, ["total", ...totals, String(this.total)]];
    const widths = header.map((_, i) => Math.max(...all.map((r) => r[i]!.length)));
    const line = (r: string[]) =>
      "| " + r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
        .join(" | ") +
      " |";
    const rule = "|" +
      widths.map((w, i) => (i === 0 ? "-".repeat(w + 2) : "-".repeat(w + 1) + ":")).join("|") +
      "|";
    return [line(header), rule, ...body.map(line), line(all.at(-1)!)].join("\n");
  }
}
