/**
 * A simulated network for DeviceService tests (the "simulated
 * network"): envelopes cross it as encoded text, are decoded on arrival, and
 * are delivered asynchronously in per-recipient order. The real relay over
 * real WebSockets is tested in test/relay/.
 */
import type { Transport } from '../../main/device/components.js';
import type { Certificate } from '../../shared/certificate/schema.js';
import { decodeEnvelope, encodeEnvelope, type Envelope } from '../../shared/wire/envelope.js';

/** The network: one mailbox per device. */
export class MemoryNetwork {
  private readonly handlers = new Map<string, (env: Envelope) => Promise<void>>();
  private readonly queues = new Map<string, string[]>();
  private readonly busy = new Set<string>();
  /** Everything that crossed the network, encoded. */
  readonly wire: string[] = [];
  /** Devices that receive nothing for now (simulates an offline device); their mail waits. */
  readonly offline = new Set<string>();
  /** The newest certificate per quorum, as the relay keeps it. */
  private readonly certificates = new Map<string, Certificate>();

  /** Brings a device back online and delivers what waited for it. */
  reconnect(deviceId: string): void {
    this.offline.delete(deviceId);
    setImmediate(() => void this.pump(deviceId));
  }

  /** Drops a device's waiting mail (as a relay whose TTL passed). */
  dropMail(deviceId: string): void {
    this.queues.set(deviceId, []);
  }

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
      getCertificate: async (quorumId) => this.certificates.get(quorumId) ?? null,
      publishCertificate: async (c) => {
        const prev = this.certificates.get(c.quorumId);
        if (prev === undefined || prev.epoch < c.epoch) this.certificates.set(c.quorumId, c);
      },
    };
  }

  private async pump(deviceId: string): Promise<void> {
    if (this.busy.has(deviceId) || this.offline.has(deviceId)) return;
    const handler = this.handlers.get(deviceId);
    if (handler === undefined) return;
    this.busy.add(deviceId);
    try {
      // A device that goes offline mid-way stops receiving at once (a killed process).
      while (!this.offline.has(deviceId)) {
        const text = this.queues.get(deviceId)?.shift();
        if (text === undefined) break;
        await handler(decodeEnvelope(text));
      }
    } finally {
      this.busy.delete(deviceId);
    }
  }
}
