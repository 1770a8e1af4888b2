import { describe, expect, it } from 'vitest';
import { RETRY_NOTE_MS, RetryNote } from '../../src/sinks/nats/retry-note.js';

describe('RetryNote', () => {
  it('says the first failure at once, then at most one note an interval, counting the failures not said', () => {
    let now = 1_000;
    const said: string[] = [];
    const note = new RetryNote((t) => said.push(t), RETRY_NOTE_MS, () => now);
    note.failed('a');
    for (let i = 0; i < 19; i++) {
      now += 500;
      note.failed('b');
    }
    expect(said).toEqual(['a']);
    now += 500; // 10 s after the first note
    note.failed('c');
    expect(said).toEqual(['a', 'c (19 more failures since the last note)']);
    now += RETRY_NOTE_MS;
    note.failed('d');
    expect(said).toEqual(['a', 'c (19 more failures since the last note)', 'd']);
    now += 1;
    note.failed('e');
    now += RETRY_NOTE_MS;
    note.failed('f');
    expect(said.at(-1)).toBe('f (1 more failure since the last note)');
  });
});
