/**
 * The value of option `name` in `argv` as the option parser will read it (`--name V` or
 * `--name=V`, the last one wins, nothing after `--`), or undefined when absent: for what the CLI
 * starts before it loads the parser (worker threads whose start-up should overlap that loading).
 *
 * @example
 * ```ts
 * peekOption(['f.pcap', '--n-meters', '2'], '--n-meters'); // '2'
 * ```
 */
export function peekOption(argv: readonly string[], name: string): string | undefined {
  let value: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') break;
    if (arg === name) value = argv[++i];
    else if (arg.startsWith(`${name}=`)) value = arg.slice(name.length + 1);
  }
  return value;
}

/**
 * Whether boolean flag `name` is on in `argv` as the option parser will read it: given, and not
 * undone by a later `--no-…` form (nothing after `--`).
 *
 * @example
 * ```ts
 * peekFlag(['f.pcap', '--statistical-analysis'], '--statistical-analysis'); // true
 * ```
 */
export function peekFlag(argv: readonly string[], name: string): boolean {
  const negated = `--no-${name.slice(2)}`;
  let on = false;
  for (const arg of argv) {
    if (arg === '--') break;
    if (arg === name) on = true;
    else if (arg === negated) on = false;
  }
  return on;
}
