/**
 * Per-flow state is stored in pages of {@link PAGE_SLOTS} flow-table slots: slot `s` lives in page
 * `s >> PAGE_SHIFT` at entry `s & PAGE_MASK`. The table grows by adding a page, so nothing is
 * copied when it grows (a copy touches fresh memory, and page faults dominate the growth of a
 * table with a million flows), and a slot's storage never moves while its flow is live.
 */
export const PAGE_SHIFT = 12;
export const PAGE_SLOTS = 1 << PAGE_SHIFT;
export const PAGE_MASK = PAGE_SLOTS - 1;

/** Appends pages made by `make` until `pages` covers `capacity` slots (growth time only). */
export function addPages<T>(pages: T[], capacity: number, make: () => T): void {
  while (pages.length * PAGE_SLOTS < capacity) pages.push(make());
}
