// Type-checks TSDoc examples as users would write them: each example is a module of its own at a
// virtual path under test/, importing the packages by name; `source` resolves them to their
// TypeScript sources, so no build is needed.
import { join } from 'node:path';
import ts from 'typescript';
import { ROOT } from './paths.js';

const OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  lib: ['lib.es2022.d.ts'],
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  customConditions: ['source'],
  strict: true,
  noEmit: true,
  skipLibCheck: true,
  esModuleInterop: true,
  types: ['node'],
};

/** Diagnostics of every example, as `where: message` lines (empty when all compile). */
export function checkExamples(examples: readonly { where: string; code: string }[]): string[] {
  const dir = join(ROOT, 'test', '.examples');
  const virtual = new Map<string, { where: string; code: string }>();
  examples.forEach((e, i) => virtual.set(join(dir, `example-${i}.ts`), e));
  const host = ts.createCompilerHost(OPTIONS, true);
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (f) => virtual.has(f) || fileExists.call(host, f);
  host.readFile = (f) => virtual.get(f)?.code ?? readFile.call(host, f);
  host.getSourceFile = (f, language, onError, create) => {
    const v = virtual.get(f);
    return v !== undefined ? ts.createSourceFile(f, v.code, language, true) : getSourceFile.call(host, f, language, onError, create);
  };
  const program = ts.createProgram({ rootNames: [...virtual.keys()], options: OPTIONS, host });
  const out: string[] = [];
  for (const [file, e] of virtual) {
    for (const d of ts.getPreEmitDiagnostics(program, program.getSourceFile(file))) {
      const line = d.file !== undefined && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line + 1 : 0;
      const at = d.file !== undefined && d.file.fileName !== file ? ` (in ${d.file.fileName})` : '';
      out.push(`${e.where} line ${line}${at}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`);
    }
  }
  return out;
}
