/**
 * The relay builds each envelope's `deliver` frame once and shares it among
 * the envelope's recipients (relay/delivery-frames.ts); SQLite stays the
 * durable copy. The frame must be exactly the frame encodeFrame gives, a
 * kept frame must not be read again, old frames must go once the byte bound
 * is passed, and a frame whose envelope is gone must not be invented.
 */
import { describe, expect, it } from 'vitest';
import { DeliveryFrames } from '../../relay/delivery-frames.js';
import { encodeFrame, parseServerFrame } from '../../shared/relay-protocol.js';

const envelopeText = (n: number) => JSON.stringify({ v: 1, kind: 'reshare/deal', pad: 'x'.repeat(n) });

describe('delivery frames', () => {
  it('builds the deliver frame encodeFrame would, once per msgId', () => {
    const frames = new DeliveryFrames();
    let loads = 0;
    const load = () => (loads++, envelopeText(10));
    const a = frames.frame('7', load);
    const b = frames.frame('7', load);
    expect(loads).toBe(1);
    expect(b).toBe(a);
    expect(a!.toString()).toBe(encodeFrame({ type: 'deliver', msgId: '7', envelope: envelopeText(10) }));
    expect(parseServerFrame(a!.toString())).toEqual({ type: 'deliver', msgId: '7', envelope: envelopeText(10) });
  });

  it('keeps at most its byte bound, dropping the oldest frames first', () => {
    const frames = new DeliveryFrames(3000);
    let loads = 0;
    const load = () => (loads++, envelopeText(900));
    for (const id of ['1', '2', '3', '4']) frames.frame(id, load);
    expect(loads).toBe(4);
    expect(frames.keptBytes).toBeLessThanOrEqual(3000);
    frames.frame('4', load); // newest: still kept
    expect(loads).toBe(4);
    frames.frame('1', load); // oldest: dropped, built again
    expect(loads).toBe(5);
  });

  it('returns nothing for an envelope that is gone, and keeps nothing for it', () => {
    const frames = new DeliveryFrames();
    expect(frames.frame('9', () => undefined)).toBeUndefined();
    expect(frames.keptBytes).toBe(0);
    expect(frames.frame('9', () => envelopeText(1))!.toString()).toContain('"msgId":"9"');
  });

  it('does not keep a frame larger than its bound (but still returns it)', () => {
    const frames = new DeliveryFrames(100);
    expect(frames.frame('1', () => envelopeText(500))!.length).toBeGreaterThan(500);
    expect(frames.keptBytes).toBe(0);
  });
});
