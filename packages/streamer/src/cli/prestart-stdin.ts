import { startStdinPipe } from '../run/stdin-pipe.js';

/** The launcher closes a reader started ahead that no run took (help, a usage error, an early exit) once the CLI returned. */
export { discardStdinPipe } from '../run/stdin-pipe.js';

/**
 * Starts reading standard input before the CLI loads the rest of its modules, when the command
 * line reads a capture from it as its first argument (`cat F | flowstream - …`, the usual form):
 * the pipe reader's thread boots and fills its ring while the modules load, instead of after.
 * Without the option parser, only a first argument `-` is known to be a source (elsewhere it may
 * be an option's value, as in `-o -`); the CLI starts the reader itself for the other forms.
 *
 * @example
 * ```ts
 * prestartCliStdin(['-', '--format', 'none']); // reads stdin now when it is a pipe or a socket
 * ```
 */
export function prestartCliStdin(argv: readonly string[]): void {
  if (argv[0] === '-') startStdinPipe();
}
