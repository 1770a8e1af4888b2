/**
 * Zero as a floating-point value, for the initial value of a numeric field that will hold numbers
 * beyond the small integers (times, 32-bit words, MAC addresses). V8 picks a field's
 * representation from its first value: with a small-integer 0 it switches the field (and every
 * object of the class) to doubles when the first large value arrives, and throws away the
 * optimised code that relied on the old one. Starting as a double, the field never changes.
 */
export const DOUBLE_ZERO = -0;
