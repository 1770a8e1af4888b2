/** One input of a run, as the manifest describes it. */
export interface ManifestSource {
  readonly name: string;
  /** Size in bytes when known (files). */
  readonly size: number | null;
  /** SHA-256 of the bytes read (hex), once known: at the end of the run, when hashing was on. */
  sha256?: string;
}

/**
 * A run's reproducibility manifest: what produced a flow file. Stored as JSON under the key
 * `flowstream` of Arrow/Parquet metadata and under `manifest` in `--summary`.
 */
export interface RunManifest {
  /** flowstream version. */
  readonly flowstream: string;
  /** Every metering parameter (plugins apart). */
  readonly parameters: Record<string, unknown>;
  /** Plugins in order, with their options. */
  readonly plugins: readonly { readonly name: string; readonly options: unknown }[];
  readonly sources: ManifestSource[];
  /** nDPI library version, when dissection ran. */
  ndpi?: string;
}
