/**
 * An exception thrown by a plugin callback. Ends the run (flows emitted before it are delivered);
 * NFStream would hang here instead (spec §10.1, quirk 30 — deliberately not replicated).
 *
 * @example
 * ```ts
 * import { PluginError } from '@flowstream/core';
 * import { NFStreamer } from '@flowstream/streamer';
 *
 * try {
 *   for (const flow of new NFStreamer({ source: 'capture.pcap' })) console.log(flow.id);
 * } catch (e) {
 *   if (e instanceof PluginError) console.error(e.plugin, e.callback, e.flowId, e.cause);
 * }
 * ```
 */
export class PluginError extends Error {
  override readonly name = 'PluginError';
  constructor(
    /** Class name of the plugin that threw. */
    readonly plugin: string,
    /** The callback: `onInit`, `onUpdate`, `onExpire` or `cleanup`. */
    readonly callback: string,
    /**
     * Id of the flow being processed. Ids are given when flows are emitted, so a flow that fails in
     * `onInit`/`onUpdate` has none yet (−1): {@link flow} then identifies it.
     */
    readonly flowId: number,
    cause: unknown,
    /** The flow's endpoints, `src_ip:src_port -> dst_ip:dst_port protocol N`. */
    readonly flow: string = '',
  ) {
    const msg = cause instanceof Error ? cause.message : String(cause);
    const where = flowId >= 0 ? ` for flow id ${flowId}` : flow !== '' ? ` for the flow ${flow} (not yet emitted)` : '';
    super(`plugin ${plugin} failed in ${callback}${where}: ${msg}`, { cause });
  }

  /**
   * The same error naming its flow otherwise: by another id (−1: none), by other endpoint text
   * (`''`: none), as a run tells it where the meter's id or the flow's addresses do not hold.
   *
   * @example err.naming(-1, err.flow) // a meter's own flow id dropped, the endpoints kept
   */
  naming(flowId: number, flow: string): PluginError {
    return new PluginError(this.plugin, this.callback, flowId, this.cause, flow);
  }
}
