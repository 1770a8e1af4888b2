import 'reflect-metadata'; // tsyringe needs the Reflect polyfill before it loads; only this module pays for it
import { container, type DependencyContainer } from 'tsyringe';
import { NFPlugin } from '@flowstream/core';
import { isPluginInstance } from '@flowstream/core/internal';
import { BUILTIN_PLUGINS } from './builtin-plugins.js';
import { importPluginModule, isFileSpecifier, isModuleNotFound } from './load-plugin-module.js';
import { stampPluginOrigin } from './plugin-origin.js';
import { formatPluginSpec, type PluginSpec } from './plugin-spec.js';

/**
 * Builds a plugin from its options (the options of a {@link PluginSpec}); may be async.
 *
 * @example
 * ```ts
 * const factory: PluginFactory = (options) => new FlowSlicer(options as { limit: number });
 * ```
 */
export type PluginFactory = (options: Record<string, unknown>) => NFPlugin | Promise<NFPlugin>;

/** What a registration may declare besides its factory. */
export interface PluginRegistration {
  /** Accepted option names; when given, other names are rejected with a RangeError. */
  readonly options?: readonly string[];
}

/**
 * Plugins resolvable by name (built-ins, registrations) or by module (files and packages whose
 * default or named export is an NFPlugin class or factory).
 *
 * @example
 * ```ts
 * const registry = createPluginRegistry();
 * const plugin = await registry.resolve(parsePluginSpec('splt:sequenceLength=10'));
 * ```
 */
export interface PluginRegistry {
  /** Registers `factory` under `name` (kebab-case); a name can be registered once. */
  register(name: string, factory: PluginFactory, registration?: PluginRegistration): void;
  /** Registered names, sorted. */
  names(): string[];
  /**
   * Builds the plugin of `spec`: a registered name, else a module to import (`./file.js`,
   * `./file.js#ExportName`, `package#ExportName`).
   * @throws RangeError for an unknown name or option; TypeError when the module's export does
   *   not produce an NFPlugin instance.
   */
  resolve(spec: PluginSpec): Promise<NFPlugin>;
}

/** Options of {@link createPluginRegistry}. */
export interface PluginRegistryOptions {
  /** Register SPLT, FlowSlicer, DHCP, MDNS, JA4, WFPlugin … (default true). */
  readonly builtins?: boolean;
  /** Directory that relative plugin paths and packages resolve from (default `process.cwd()`). */
  readonly cwd?: string;
}

interface Entry {
  readonly factory: PluginFactory;
  readonly options?: readonly string[];
}

const NAME = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

/**
 * Registers the built-in plugins under their CLI names: `splt`, `flow-slicer`, `dhcp`, `mdns`,
 * `ja4`, `wf` (alias `wavelet-features`) and `covertmark-windows`.
 *
 * @example
 * ```ts
 * const registry = createPluginRegistry({ builtins: false });
 * registerBuiltinPlugins(registry);
 * ```
 */
export function registerBuiltinPlugins(registry: PluginRegistry): void {
  for (const { names, plugin } of BUILTIN_PLUGINS) {
    // every built-in has a default for each option: the defaults name them
    const options = Object.keys(plugin.defaults);
    const factory = (o: Record<string, unknown>) => new plugin(o as never);
    for (const name of names) registry.register(name, factory, { options });
  }
}

/**
 * A new plugin registry backed by its own tsyringe child container (explicit string tokens and
 * value registrations: no decorator metadata is needed).
 *
 * @example
 * ```ts
 * const registry = createPluginRegistry();
 * registry.register('counter', (o) => new PacketCounter(o));
 * registry.names(); // ['counter', 'dhcp', 'flow-slicer', 'ja4', 'mdns', 'splt', 'wavelet-features', 'wf']
 * ```
 */
export function createPluginRegistry(options: PluginRegistryOptions = {}): PluginRegistry {
  const registry = new ContainerPluginRegistry(container.createChildContainer(), options.cwd ?? process.cwd());
  if (options.builtins ?? true) registerBuiltinPlugins(registry);
  registry.portable = new Set(registry.names()); // a worker's fresh registry rebuilds only these names
  return registry;
}

class ContainerPluginRegistry implements PluginRegistry {
  private readonly registered: string[] = [];
  /** Names a default registry also has (built-ins): their instances get a {@link PluginOrigin}. */
  portable = new Set<string>();

  constructor(
    private readonly di: DependencyContainer,
    private readonly cwd: string,
  ) {}

  register(name: string, factory: PluginFactory, registration: PluginRegistration = {}): void {
    if (!NAME.test(name)) throw new RangeError(`plugin name '${name}' must be kebab-case (e.g. 'flow-slicer')`);
    if (typeof factory !== 'function') throw new TypeError(`plugin '${name}': factory must be a function`);
    if (this.registered.includes(name)) throw new Error(`plugin '${name}' is already registered`);
    const entry: Entry = registration.options ? { factory, options: [...registration.options] } : { factory };
    this.di.register<Entry>(token(name), { useValue: entry });
    this.registered.push(name);
  }

  names(): string[] {
    return [...this.registered].sort();
  }

  async resolve(spec: PluginSpec): Promise<NFPlugin> {
    checkSpec(spec);
    const text = formatPluginSpec(spec);
    const options = { ...spec.options };
    if (this.di.isRegistered(token(spec.module))) {
      const entry = this.di.resolve<Entry>(token(spec.module));
      if (entry.options) checkOptionNames(text, options, entry.options);
      const plugin = checkPlugin(await entry.factory(options), text);
      return this.portable.has(spec.module) ? stampPluginOrigin(plugin, { module: spec.module, options, cwd: this.cwd }) : plugin;
    }
    const hash = spec.module.lastIndexOf('#');
    const module = hash > 0 ? spec.module.slice(0, hash) : spec.module;
    const exportName = hash > 0 ? spec.module.slice(hash + 1) : 'default';
    let namespace: Record<string, unknown>;
    try {
      namespace = await importPluginModule(module, this.cwd);
    } catch (error) {
      if (!isFileSpecifier(module) && hash < 0 && isModuleNotFound(error, module)) {
        throw new RangeError(
          `unknown plugin '${spec.module}' in spec '${text}': registered plugins are ${this.names().join(', ')}; ` +
            `other plugins are given as a file (./my-plugin.js[#Export]) or a package name`,
        );
      }
      throw new Error(`plugin spec '${text}': cannot import '${module}': ${(error as Error).message}`, { cause: error });
    }
    if (!(exportName in namespace) || namespace[exportName] === undefined) {
      const available = Object.keys(namespace).join(', ') || 'none';
      throw new TypeError(`plugin spec '${text}': '${module}' has no export '${exportName}' (exports: ${available})`);
    }
    const plugin = checkPlugin(await instantiate(namespace[exportName], options, text), text);
    return stampPluginOrigin(plugin, { module: spec.module, options, cwd: this.cwd });
  }
}

function token(name: string): string {
  return `flowstream.plugin:${name}`;
}

function checkSpec(spec: PluginSpec): void {
  if (typeof spec !== 'object' || spec === null || typeof spec.module !== 'string' || spec.module === '') {
    throw new TypeError(`plugin spec must be { module: string, options: object }, got ${JSON.stringify(spec)}`);
  }
  if (spec.options !== undefined && (typeof spec.options !== 'object' || spec.options === null || Array.isArray(spec.options))) {
    throw new TypeError(`plugin spec '${spec.module}': options must be a plain object`);
  }
}

function checkOptionNames(text: string, options: Record<string, unknown>, allowed: readonly string[]): void {
  for (const key of Object.keys(options)) {
    if (allowed.includes(key)) continue;
    const camel = key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
    const hint = camel !== key && allowed.includes(camel) ? ` (did you mean '${camel}'?)` : '';
    const list = allowed.length ? allowed.join(', ') : 'none';
    throw new RangeError(`plugin spec '${text}': unknown option '${key}'${hint}; allowed options: ${list}`);
  }
}

async function instantiate(value: unknown, options: Record<string, unknown>, text: string): Promise<unknown> {
  if (typeof value !== 'function') {
    throw new TypeError(`plugin spec '${text}': the export is a ${typeof value}, not an NFPlugin class or factory`);
  }
  if (isClass(value)) return new (value as new (o: Record<string, unknown>) => unknown)(options);
  return await (value as (o: Record<string, unknown>) => unknown)(options);
}

function isClass(value: Function): boolean {
  return value.prototype instanceof NFPlugin || /^class[\s{]/.test(Function.prototype.toString.call(value));
}

function checkPlugin(value: unknown, text: string): NFPlugin {
  if (isPluginInstance(value)) return value;
  const got = value === null ? 'null' : typeof value === 'object' ? (value.constructor?.name ?? 'object') : typeof value;
  throw new TypeError(
    `plugin spec '${text}' did not produce an NFPlugin instance (got ${got}); ` +
      `plugins must extend NFPlugin from @flowstream/core (one copy of it)`,
  );
}
