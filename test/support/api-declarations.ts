// Where the public symbols of a package entry are declared, and their TSDoc examples: follows the
// entry's re-exports (`export { a as b } from`, `export * from`) to the declaring statements with
// the TypeScript parser. Parsing only (no type checking), so it runs in a fraction of a second.
import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import ts from 'typescript';
import { ROOT } from './paths.js';

/** A declaration of an exported symbol, with the TSDoc of its statement and of its members. */
export interface ApiDeclaration {
  /** File relative to the repository root. */
  file: string;
  /** The TSDoc comment text of the declaring statement(s), concatenated; "" when there is none. */
  doc: string;
  /** `ts` code blocks of the `@example` tags of the declaration and of its class members. */
  examples: { where: string; code: string }[];
}

const parsed = new Map<string, ts.SourceFile>();

function sourceFile(path: string): ts.SourceFile {
  let sf = parsed.get(path);
  if (sf === undefined) {
    sf = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.ES2022, true);
    parsed.set(path, sf);
  }
  return sf;
}

/** `./x.js` of a module specifier → the `.ts` file beside `from`. */
function resolveSpecifier(from: string, specifier: string): string {
  // a package of the workspace re-exported by another (`@flowstream/core` → its root entry's source)
  const pkg = /^@flowstream\/([a-z-]+)$/.exec(specifier);
  if (pkg !== null) return resolve(ROOT, 'packages', pkg[1]!, 'src', 'index.ts');
  return resolve(dirname(from), specifier.replace(/\.js$/, '.ts'));
}

/** Names a statement declares at module level. */
function declaredNames(statement: ts.Statement): string[] {
  if (ts.isVariableStatement(statement)) {
    return statement.declarationList.declarations.flatMap((d) => (ts.isIdentifier(d.name) ? [d.name.text] : []));
  }
  if (
    (ts.isClassDeclaration(statement) || ts.isFunctionDeclaration(statement) || ts.isInterfaceDeclaration(statement) ||
      ts.isTypeAliasDeclaration(statement) || ts.isEnumDeclaration(statement)) &&
    statement.name !== undefined
  ) {
    return [statement.name.text];
  }
  return [];
}

function jsDocsOf(node: ts.Node): ts.JSDoc[] {
  return ((node as { jsDoc?: ts.JSDoc[] }).jsDoc ?? []).slice();
}

/** Fenced ```ts blocks of the @example tags of a node's TSDoc. */
function exampleBlocks(node: ts.Node): string[] {
  const out: string[] = [];
  for (const doc of jsDocsOf(node)) {
    for (const tag of doc.tags ?? []) {
      if (tag.tagName.text !== 'example') continue;
      const text = ts.getTextOfJSDocComment(tag.comment) ?? '';
      for (const m of text.matchAll(/```ts\n([\s\S]*?)```/g)) out.push(m[1]!);
    }
  }
  return out;
}

/** The declaration of `name` in `file`, following re-exports; null when it is not found. */
export function findDeclaration(file: string, name: string, seen = new Set<string>()): ApiDeclaration | null {
  const key = `${file}#${name}`;
  if (seen.has(key)) return null;
  seen.add(key);
  const sf = sourceFile(file);
  const statements = sf.statements.filter((s) => declaredNames(s).includes(name) &&
    ts.getCombinedModifierFlags(s as ts.Declaration) & ts.ModifierFlags.Export);
  if (statements.length > 0) {
    const rel = relative(ROOT, file);
    const examples: ApiDeclaration['examples'] = [];
    for (const s of statements) {
      for (const code of exampleBlocks(s)) examples.push({ where: `${rel} ${name}`, code });
      if (ts.isClassDeclaration(s)) {
        for (const m of s.members) {
          const member = m.name !== undefined && (ts.isIdentifier(m.name) || ts.isStringLiteral(m.name)) ? m.name.text : '(member)';
          for (const code of exampleBlocks(m)) examples.push({ where: `${rel} ${name}.${member}`, code });
        }
      }
    }
    const doc = statements.flatMap((s) => jsDocsOf(s).map((d) => d.getText(sf))).join('\n');
    return { file: rel, doc, examples };
  }
  for (const s of sf.statements) {
    if (!ts.isExportDeclaration(s) || s.moduleSpecifier === undefined || !ts.isStringLiteral(s.moduleSpecifier)) continue;
    const target = resolveSpecifier(file, s.moduleSpecifier.text);
    if (s.exportClause === undefined) {
      const found = findDeclaration(target, name, seen);
      if (found !== null) return found;
    } else if (ts.isNamedExports(s.exportClause)) {
      for (const e of s.exportClause.elements) {
        if (e.name.text === name) return findDeclaration(target, (e.propertyName ?? e.name).text, seen);
      }
    }
  }
  return null;
}
