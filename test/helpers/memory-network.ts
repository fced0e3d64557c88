/**
 * A simulated network for DeviceService tests (the "simulated
 * network"): envelopes cross it as encoded text, are decoded on arrival, and
 * are delivered asynchronously in per-recipient order. The real relay over
 * real WebSockets is tested in test/relay/.
 */
import type { Transport } from '../../main/device/components.js';
import { decodeEnvelope, encodeEnvelope, type Envelope } from '../../shared/wire/envelope.js';

/** The network: one mailbox per device. */
export class MemoryNetwork {
  private readonly handlers = new Map<string, (env: Envelope) => Promise<void>>();
  private readonly queues = new Map<string, string[]>();
  private readonly busy = new Set<string>();
  /** Everything that crossed the network, encoded. */
  readonly wire: string[] = [];
  /** Devices whose traffic is dropped (simulates an offline device). */
  readonly offline = new Set<string>();

  /** The transport of one device. */
  transport(deviceId: string): Transport {
    return {
      connected: true,
      send: async (env) => {
        const text = encodeEnvelope(env);
        this.wire.push(text);
        for (const to of env.to) {
          this.queues.set(to, [...(this.queues.get(to) ?? []), text]);
          setImmediate(() => void this.pump(to));
        }
      },
      setHandler: (h) => {
        this.handlers.set(deviceId, h);
      },
    };
  }

  private async pump(deviceId: string): Promise<void> {
    if (this.busy.has(deviceId) || this.offline.has(deviceId)) return;
    const handler = this.handlers.get(deviceId);
    if (handler === undefined) return;
    this.busy.add(deviceId);
    try {
      for (let text = this.queues.get(deviceId)?.shift(); text !== undefined; text = this.queues.get(deviceId)?.shift()) {
        await handler(decodeEnvelope(text));
      }
    } finally {
      this.busy.delete(deviceId);
    }
  }
}
