/**
 * What the offline model (no OPENAI_API_KEY) asks `run_code` to run, from
 * the user's message alone: a fenced code block as written; else arithmetic
 * it finds ("what is 12 * (3 + 4)?"); else, when the message asks to compute
 * something over a list of numbers, their count, sum, mean, min and max.
 * Anything else gives the tool nothing to do.
 *
 * @example
 * ```ts
 * offlineSnippet("what is 2 ^ 10?");
 * // { language: "javascript", code: 'console.log("2 ** 10 =", 2 ** 10);\n2 ** 10' }
 * ```
 * @module
 */

/** The arguments of one `run_code` call. */
export interface SnippetArgs extends Record<string, unknown> {
  language: "javascript" | "typescript";
  code: string;
}

const FENCED = /```[ \t]*(js|javascript|ts|typescript|jsx|tsx)?[ \t]*\r?\n([\s\S]*?)```/i;
const NUMBER = String.raw`\d+(?:\.\d+)?`;
const OPERAND = String.raw`\(*\s*-?${NUMBER}\s*\)*`;
const ARITHMETIC = new RegExp(String.raw`${OPERAND}(?:\s*(?:\*\*|[-+*/%^x×÷])\s*${OPERAND})+`, "i");
const COMPUTE = /\b(compute|calculate|sum|total|add up|average|mean|median)\b/i;

/** The `run_code` arguments the message implies, or undefined. */
export function offlineSnippet(said: string): SnippetArgs | undefined {
  const fenced = FENCED.exec(said);
  if (fenced && fenced[2]!.trim() !== "") {
    const typescript = /^t/i.test(fenced[1] ?? "");
    return { language: typescript ? "typescript" : "javascript", code: fenced[2]!.trim() };
  }
  const arithmetic = ARITHMETIC.exec(said)?.[0];
  if (arithmetic !== undefined && balanced(arithmetic)) {
    const expression = arithmetic.trim().replace(/\^/g, "**").replace(/[x×]/gi, "*")
      .replace(/÷/g, "/").replace(/\s+/g, " ");
    return {
      language: "javascript",
      code: `console.log(${JSON.stringify(`${expression} =`)}, ${expression});\n${expression}`,
    };
  }
  const numbers = [...said.matchAll(new RegExp(`-?${NUMBER}`, "g"))].map((m) => Number(m[0]));
  if (COMPUTE.test(said) && numbers.length >= 2) {
    return {
      language: "javascript",
      code: [
        `const numbers = ${JSON.stringify(numbers)};`,
        "const sum = numbers.reduce((a, b) => a + b, 0);",
        "const result = {",
        "  count: numbers.length,",
        "  sum,",
        "  mean: sum / numbers.length,",
        "  min: Math.min(...numbers),",
        "  max: Math.max(...numbers),",
        "};",
        'console.log("sum", sum, "mean", result.mean);',
      ].join("\n"),
    };
  }
  return undefined;
}

function balanced(expression: string): boolean {
  let depth = 0;
  for (const char of expression) {
    if (char === "(") depth++;
    if (char === ")" && --depth < 0) return false;
  }
  return depth === 0;
}
