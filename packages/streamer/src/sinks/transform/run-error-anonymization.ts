import { PluginError } from '@flowstream/core';
import type { RunManifest } from '../run-manifest.js';
import { hidesAddresses, hidesIps } from './address-columns.js';
import { anonymizeFilterIn } from './manifest-anonymization.js';

/** Columns whose values a plugin error's endpoint text (`a:p -> b:q protocol N`) shows. */
const ENDPOINT_COLUMNS: readonly string[] = ['src_ip', 'dst_ip', 'src_mac', 'dst_mac', 'src_port', 'dst_port', 'protocol'];
const ENDPOINTS = /^(.*):\d+ -> (.*):\d+ protocol \d+$/;

/**
 * A run's error as an output hashing `anonymized` may tell it: a plugin error names its flow by
 * neither the endpoints (an address, port or protocol column hashed; the flow's addresses are
 * taken out of the plugin's own message too) nor the id (`id` hashed) that the output hides; any
 * other error quotes the BPF filter as the output's manifest has it.
 *
 * @example
 * ```ts
 * anonymizeRunError(err, ['src_port'], manifest, hash).message;
 * // 'plugin P failed in onUpdate for the flow whose ports are anonymized (not yet emitted): …'
 * ```
 */
export function anonymizeRunError(err: unknown, anonymized: readonly string[], manifest: RunManifest, hash: (text: string) => string): unknown {
  if (err instanceof PluginError) return pluginErrorShown(err, anonymized);
  if (err instanceof Error) {
    const message = anonymizeFilterIn(err.message, manifest, anonymized, hash);
    if (message !== err.message) err.message = message;
  }
  return err;
}

function pluginErrorShown(err: PluginError, anonymized: readonly string[]): PluginError {
  const endpointsHidden = ENDPOINT_COLUMNS.some((c) => anonymized.includes(c));
  const idHidden = anonymized.includes('id');
  if (!endpointsHidden && !idHidden) return err;
  const flowId = idHidden ? -1 : err.flowId;
  let flow = endpointsHidden ? '' : err.flow;
  if (flowId < 0 && flow === '' && (err.flowId >= 0 || err.flow !== '')) {
    flow = endpointsHidden ? `whose ${hidesAddresses(anonymized) ? 'addresses' : 'ports'} are anonymized` : 'whose id is anonymized';
  }
  return new PluginError(err.plugin, err.callback, flowId, withoutAddresses(err, anonymized), flow);
}

/** The plugin's own error with its flow's addresses taken out, when the output hashes them. */
function withoutAddresses(err: PluginError, anonymized: readonly string[]): unknown {
  const cause = err.cause;
  const endpoints = ENDPOINTS.exec(err.flow);
  if (endpoints === null || !hidesIps(anonymized)) return cause;
  const text = cause instanceof Error ? cause.message : String(cause);
  const scrubbed = [endpoints[1]!, endpoints[2]!].filter((a) => a.length > 0).reduce((t, address) => t.split(address).join('<anonymized address>'), text);
  if (scrubbed === text) return cause;
  return cause instanceof Error ? Object.assign(new Error(scrubbed), { name: cause.name }) : scrubbed;
}
