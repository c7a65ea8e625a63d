/**
 * Turns a snippet into an ES module whose exports carry its value, so the
 * sandbox can import it like any module (top-level `await` included) and
 * still report what a REPL would: the last top-level expression becomes the
 * default export, and a top-level `result` binding is exported by name. The
 * snippet is parsed here, in the server, so a syntax error is reported
 * without starting a sandbox, with its line and column. TypeScript stays
 * TypeScript: Deno strips its types when the sandbox imports it.
 *
 * @example
 * ```ts
 * prepareSnippet("javascript", "const a = 2;\na * 21").source;
 * // "const a = 2;\nexport default (a * 21);"
 * ```
 * @module
 */
import { parse } from "@babel/parser";

/** The languages `run_code` accepts. */
export type SnippetLanguage = "javascript" | "typescript";

/** A snippet ready for the sandbox. */
export interface SnippetModule {
  /** Module source, line for line the snippet's. */
  source: string;
  /** The media type Deno imports it as. */
  mediaType: "text/javascript" | "application/typescript";
}

/** A snippet that does not parse; `message` names the line and column. */
export class SnippetSyntaxError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "SyntaxError";
  }
}

interface Node {
  type: string;
  start?: number | null;
  end?: number | null;
  declare?: boolean;
  expression?: Node;
  id?: { type: string; name?: string } | null;
  declarations?: Node[];
  declaration?: Node | null;
  specifiers?: { exported?: { name?: string; value?: string } }[];
  value?: Node & { extra?: { raw?: string } };
}

/** Parses the snippet and rewrites it into a module that exports its value. */
export function prepareSnippet(language: SnippetLanguage, code: string): SnippetModule {
  const body = parseBody(language, code);
  let source = code;
  const last = body.statements.at(-1);
  const hasDefault = body.statements.some((s) =>
    s.type === "ExportDefaultDeclaration" ||
    (s.specifiers ?? []).some((x) => exportedName(x.exported) === "default")
  );
  if (!hasDefault && last?.type === "ExpressionStatement" && last.expression) {
    const expression = code.slice(last.expression.start!, last.expression.end!);
    source = `${code.slice(0, last.start!)}export default (${expression});${code.slice(last.end!)}`;
  } else if (!hasDefault && body.statements.length === 0 && body.lastDirective) {
    // A lone string literal parses as a directive ("use strict"), not an expression.
    source = `${code}\nexport default ${body.lastDirective};`;
  }
  if (declaresResult(body.statements) && !exportsResult(body.statements)) {
    source += "\nexport { result };";
  }
  return {
    source,
    mediaType: language === "typescript" ? "application/typescript" : "text/javascript",
  };
}

function parseBody(
  language: SnippetLanguage,
  code: string,
): { statements: Node[]; lastDirective: string | undefined } {
  try {
    const file = parse(code, {
      sourceType: "module",
      plugins: language === "typescript" ? ["typescript"] : [],
    });
    const directives = file.program.directives as unknown as Node[];
    return {
      statements: file.program.body as unknown as Node[],
      lastDirective: directives.at(-1)?.value?.extra?.raw,
    };
  } catch (error) {
    const { loc } = error as { loc?: { line: number; column: number } };
    const where = loc ? ` (line ${loc.line}, column ${loc.column + 1})` : "";
    const message = (error as Error).message.replace(/\s*\(\d+:\d+\)$/, "");
    throw new SnippetSyntaxError(`The ${language} snippet does not parse: ${message}${where}.`, {
      cause: error,
    });
  }
}

function exportedName(node: { name?: string; value?: string } | undefined): string | undefined {
  return node?.name ?? node?.value;
}

function declaresResult(statements: Node[]): boolean {
  return statements.some((statement) => {
    if (statement.declare) return false;
    if (statement.type === "VariableDeclaration") {
      return (statement.declarations ?? []).some((d) =>
        d.id?.type === "Identifier" && d.id.name === "result"
      );
    }
    return (statement.type === "FunctionDeclaration" || statement.type === "ClassDeclaration") &&
      statement.id?.name === "result";
  });
}

function exportsResult(statements: Node[]): boolean {
  return statements.some((statement) => {
    if (statement.type !== "ExportNamedDeclaration") return false;
    if (statement.declaration) return declaresResult([statement.declaration]);
    return (statement.specifiers ?? []).some((s) => exportedName(s.exported) === "result");
  });
}
