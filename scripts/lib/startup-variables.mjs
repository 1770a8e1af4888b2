// What the timing scripts (bench.mjs, interleave.mjs) take out of a measured process's environment.

/**
 * Variables a shell may carry that change what a Node process does at start and are no part of
 * running flowstream: Node reads the certificate bundle NODE_EXTRA_CA_CERTS names at every start,
 * before any of the program runs (a sandbox that intercepts TLS sets it for every process; with
 * Debian's 225 KB bundle a start costs ~35 ms more). The C peers never read it, so leaving it set
 * would charge the Node rows for the shell they were started from.
 */
export const STARTUP_VARIABLES = ['NODE_EXTRA_CA_CERTS'];

/** `env` without {@link STARTUP_VARIABLES}. */
export function withoutStartupVariables(env) {
  const clean = { ...env };
  for (const v of STARTUP_VARIABLES) delete clean[v];
  return clean;
}
