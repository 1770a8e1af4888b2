/** What `Atomics.waitAsync` returns: `async: false` when the value already differs (or on timeout 0). */
export interface AsyncWait {
  async: boolean;
  value: Promise<'ok' | 'timed-out'> | 'not-equal' | 'timed-out';
}

/**
 * `Atomics.waitAsync` (Node ≥ 16; typed only from lib es2024, this project targets ES2022): waits
 * without blocking the thread until `a[index]` is notified while it still holds `value`.
 */
export const waitAsync = (
  Atomics as unknown as {
    waitAsync(a: Int32Array, index: number, value: number, timeout?: number): AsyncWait;
  }
).waitAsync;
