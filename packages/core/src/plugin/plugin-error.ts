/**
 * An exception thrown by a plugin callback. Ends the run (flows emitted before it are delivered);
 * NFStream would hang here instead (spec §10.1, quirk 30 — deliberately not replicated).
 */
export class PluginError extends Error {
  override readonly name = 'PluginError';
  constructor(
    /** Class name of the plugin that threw. */
    readonly plugin: string,
    /** The callback: `onInit`, `onUpdate`, `onExpire` or `cleanup`. */
    readonly callback: string,
    /** Id of the flow being processed (−1 when the flow had no id yet). */
    readonly flowId: number,
    cause: unknown,
  ) {
    const msg = cause instanceof Error ? cause.message : String(cause);
    super(`plugin ${plugin} failed in ${callback}${flowId >= 0 ? ` for flow id ${flowId}` : ''}: ${msg}`, { cause });
  }
}
