/**
 * Initial value of a number field that will hold values beyond V8's small integers (±2^30: times
 * in ms, address words, 48-bit MACs, file offsets). −0 is not a small integer, so V8 stores the
 * field as a double from the start: the first large value then does not change the object's
 * shape, which would throw away the optimised code of the packet path (a deoptimisation per field,
 * early in every run).
 */
export const AS_DOUBLE = -0;
