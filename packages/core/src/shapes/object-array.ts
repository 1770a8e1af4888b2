/**
 * An empty array that holds references (objects, strings) from the start. V8 makes a `[]` an
 * array of small integers and gives it another shape when the first reference goes in; code
 * optimised before that and reading the array (the packet loop reads the length of the meter's
 * batch list) is thrown away then: `--trace-deopt` showed "wrong map" in `pump`, `pendingFlows`
 * and `expire` once the first batch filled. `null` is not a small integer, so an array made with
 * one and emptied keeps the references' shape.
 *
 * @example
 * ```ts
 * private readonly batches: FlowBatch[] = objectArray();
 * ```
 */
export function objectArray<T>(): T[] {
  const array: (T | null)[] = [null];
  array.pop();
  return array as T[];
}
