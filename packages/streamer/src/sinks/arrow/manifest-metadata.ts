/**
 * Schema metadata holding a run's manifest as JSON under the key `flowstream` (and, at the end of
 * a run, the summary under `flowstream.summary`).
 *
 * @example manifestMetadata(manifest).flowstream.startsWith('{')
 */
export function manifestMetadata(manifest: unknown, summary?: unknown): Record<string, string> {
  const out: Record<string, string> = { flowstream: JSON.stringify(manifest) };
  if (summary !== undefined && summary !== null) out['flowstream.summary'] = JSON.stringify(summary);
  return out;
}
