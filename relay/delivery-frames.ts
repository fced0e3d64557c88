/**
 * Encoded `deliver` frames by msgId, shared by every recipient of an
 * envelope. A reshare deal is one broadcast envelope for n' − 1 recipients
 * (99 at 67-of-100, ~28 KB each): reading its text from SQLite and
 * JSON-encoding the frame once per recipient was most of the relay's CPU in
 * a reshare. The frame of an envelope never changes (its msgId is the
 * envelope's id, the same for every recipient), so it is built once and kept
 * while it is recent. SQLite stays the only durable copy: a frame that was
 * evicted is built again from it.
 */
import { encodeFrame } from '../shared/relay-protocol.js';

/** Most bytes of encoded frames kept (the oldest go first); a 67-of-100 reshare's deals take ~2 MB. */
export const DELIVERY_FRAME_CACHE_BYTES = 16 * 1024 * 1024;

/** Recently delivered frames, oldest first. */
export class DeliveryFrames {
  private readonly frames = new Map<string, Buffer>();
  private bytes = 0;

  constructor(private readonly maxBytes = DELIVERY_FRAME_CACHE_BYTES) {}

  /** The UTF-8 `deliver` frame of msgId, built from `load()` (the envelope's text) unless kept; undefined if there is no text. */
  frame(msgId: string, load: () => string | undefined): Buffer | undefined {
    const kept = this.frames.get(msgId);
    if (kept !== undefined) return kept;
    const text = load();
    if (text === undefined) return undefined;
    const frame = Buffer.from(encodeFrame({ type: 'deliver', msgId, envelope: text }));
    if (frame.length > this.maxBytes) return frame;
    this.frames.set(msgId, frame);
    this.bytes += frame.length;
    for (const [id, old] of this.frames) {
      if (this.bytes <= this.maxBytes) break;
      this.frames.delete(id);
      this.bytes -= old.length;
    }
    return frame;
  }

  /** Bytes kept now (for tests and diagnostics). */
  get keptBytes(): number {
    return this.bytes;
  }
}
