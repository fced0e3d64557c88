/**
 * What a DeviceService is made of (DESIGN §2; js-libp2p "components"): the
 * same service runs in Electron, in the daemon, and under a simulated
 * network in tests, by swapping these.
 */
import type { Envelope } from '../../shared/wire/envelope.js';
import type { RNG } from '@noble/curves/abstract/frost.js';
import type { Certificate } from '../../shared/certificate/schema.js';
import type { DeviceSecretKeys } from '../../shared/identity.js';
import type { StateStore } from './state-store.js';

/** Secret storage (OS keychain or encrypted file; main/keystore/). */
export interface SecretStore {
  get(name: string): Promise<Uint8Array | undefined>;
  set(name: string, secret: Uint8Array): Promise<void>;
  delete(name: string): Promise<boolean>;
  list(prefix?: string): Promise<string[]>;
}

/** The relay, seen from a device: send envelopes, receive them, fetch and publish certificates. */
export interface Transport {
  /** Sends one envelope (at-least-once). */
  send(env: Envelope): Promise<void>;
  /** Installs the handler for incoming envelopes; delivery is acknowledged only after it resolves. */
  setHandler(handler: (env: Envelope) => Promise<void>): void;
  /** Whether the relay connection is up. */
  readonly connected: boolean;
  /** The newest certificate the relay keeps for a quorum this device belongs (or belonged) to. */
  getCertificate?(quorumId: string): Promise<unknown>;
  /** Hands a verified certificate to the relay, which keeps the newest per quorum. */
  publishCertificate?(certificate: Certificate): Promise<void>;
}

/** Randomness (session ids, polynomial coefficients, nonces); a CSPRNG unless a test injects one. noble's RNG type. */
export type RandomSource = RNG;

/** Time source (injectable for expiry tests). */
export interface Clock {
  now(): number;
}

/** Everything a DeviceService needs. */
export interface DeviceComponents {
  name: string;
  relayUrl: string;
  keystoreBackend: 'os' | 'file';
  identity: DeviceSecretKeys;
  secrets: SecretStore;
  state: StateStore;
  transport: Transport;
  clock: Clock;
  /** Defaults to the platform CSPRNG (crypto.getRandomValues through @noble/hashes). */
  random?: RandomSource;
  /**
   * Demo only (DESIGN §7: "Auto-approval is allowed only inside demo"):
   * approve every request as soon as it arrives. Never set elsewhere.
   */
  autoApproveForDemo?: boolean;
  /**
   * The device home's configuration (device.json) for the settings a holder changes from the
   * UI: the configured relay, and storing a new one (used from the next start). Absent (tests,
   * in-memory devices): the relay is `relayUrl` and cannot be changed.
   */
  config?: { relay(): string; setRelay(url: string): Promise<void> };
}
