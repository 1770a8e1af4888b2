/** The acknowledgements a NATS run remembers, to tell which flows a stream that went back lost. */
import { describe, expect, it } from 'vitest';
import { ACK_HISTORY, AckHistory } from '../../src/sinks/nats/acked-publisher.js';

describe('AckHistory', () => {
  it('sums the flows of the acknowledgements numbered from a point on', () => {
    const h = new AckHistory();
    for (let seq = 10; seq < 20; seq++) h.add(seq, seq);
    expect(h.rowsFrom(17)).toEqual({ rows: 17 + 18 + 19, complete: true });
    expect(h.rowsFrom(5)).toEqual({ rows: 145, complete: true });
    h.clear();
    expect(h.rowsFrom(0)).toEqual({ rows: 0, complete: true });
  });

  it('says when acknowledgements older than those it remembers may have had such numbers too', () => {
    const h = new AckHistory();
    for (let i = 0; i < ACK_HISTORY + 10; i++) h.add(1000 + i, 1);
    // the oldest remembered is number 1010: from 1005 on, five forgotten ones counted too
    expect(h.rowsFrom(1005)).toEqual({ rows: ACK_HISTORY, complete: false });
    expect(h.rowsFrom(1000 + ACK_HISTORY)).toEqual({ rows: 10, complete: true });
  });
});
