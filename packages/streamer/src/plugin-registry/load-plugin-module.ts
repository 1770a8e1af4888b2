import { createRequire } from 'node:module';
import { isAbsolute, join, resolve as resolvePath } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * True when `module` names a file or URL rather than a package or registry name:
 * `./x.js`, `../x.js`, `/abs/x.js`, `C:\x.js`, `file:///x.js`, or anything ending in a JS/TS
 * file extension.
 *
 * @example
 * ```ts
 * isFileSpecifier('./my-plugin.js'); // true
 * isFileSpecifier('splt');           // false
 * ```
 */
export function isFileSpecifier(module: string): boolean {
  return (
    module.startsWith('./') ||
    module.startsWith('../') ||
    module.startsWith('.\\') ||
    module.startsWith('..\\') ||
    isAbsolute(module) ||
    /^[A-Za-z]:[\\/]/.test(module) ||
    module.startsWith('file:') ||
    /\.(?:[cm]?js|[cm]?ts)$/.test(module)
  );
}

/**
 * Imports a plugin module: files relative to `cwd`, packages as resolved from `cwd` (falling back
 * to this package's own resolution).
 *
 * @example
 * ```ts
 * const ns = await importPluginModule('./my-plugin.js', process.cwd());
 * ```
 */
export async function importPluginModule(module: string, cwd: string): Promise<Record<string, unknown>> {
  if (isFileSpecifier(module)) {
    const url = module.startsWith('file:') ? module : pathToFileURL(resolvePath(cwd, module)).href;
    return (await import(url)) as Record<string, unknown>;
  }
  let target = module;
  try {
    target = pathToFileURL(createRequire(join(cwd, 'noop.js')).resolve(module)).href;
  } catch {
    // ESM-only packages (no "require" condition) or packages reachable only from here.
  }
  return (await import(target)) as Record<string, unknown>;
}

/** True when `error` says `module` itself could not be found (not one of its own imports). */
export function isModuleNotFound(error: unknown, module: string): boolean {
  const e = error as { code?: unknown; message?: unknown } | null;
  if (!e || (e.code !== 'ERR_MODULE_NOT_FOUND' && e.code !== 'MODULE_NOT_FOUND')) return false;
  return typeof e.message === 'string' && e.message.includes(`'${module}'`);
}
