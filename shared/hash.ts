/**
 * Domain-separated, length-prefixed hashing (DESIGN §3: "a length-prefixed
 * binary form"). Every hash the protocol relies on starts with a domain tag,
 * and every field is prefixed with its 4-byte big-endian length, so no two
 * different field sequences hash alike.
 */
import { bytesToHex, concatBytes, utf8ToBytes } from './bytes.js';
import { sha256Backend } from './sha256-backend.js';

/** Domain tags: one per thing hashed or signed. Never reuse a tag for another purpose. */
export const DOMAIN = {
  envelope: 'rampart/v1/envelope',
  approval: 'rampart/v1/approval',
  ack: 'rampart/v1/ack',
  reshareTranscript: 'rampart/v1/reshare-transcript',
  dkgTranscript: 'rampart/v1/dkg-transcript',
  commitments: 'rampart/v1/commitments',
  certificate: 'rampart/v1/certificate',
  testSignature: 'rampart/v1/test-signature',
  deviceId: 'rampart/v1/device-id',
  hpkeShare: 'rampart/v1/hpke-share',
  proposal: 'rampart/v1/proposal',
  message: 'rampart/v1/message',
  relayAuth: 'rampart/v1/relay-auth',
  keystore: 'rampart/v1/keystore',
  backup: 'rampart/v1/backup',
} as const;

/** A domain tag from `DOMAIN`. */
export type Domain = (typeof DOMAIN)[keyof typeof DOMAIN];

/** A field of a hashed record: bytes, a string (UTF-8) or a non-negative integer (u64 BE). */
export type HashField = Uint8Array | string | number;

function u32(n: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n, false);
  return b;
}

function fieldBytes(f: HashField): Uint8Array {
  if (typeof f === 'string') return utf8ToBytes(f);
  if (typeof f === 'number') {
    if (!Number.isSafeInteger(f) || f < 0) throw new Error('hash field: integer out of range');
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, BigInt(f), false);
    return b;
  }
  return f;
}

/**
 * Hasher over length-prefixed fields under one domain tag. Fields are
 * collected and hashed at once by the installed SHA-256 (shared/sha256-backend.ts):
 * one call into a native hash instead of two per field. Field bytes are read
 * at digest(), so a caller must not change them before.
 */
export class FieldHasher {
  private readonly parts: Uint8Array[] = [];

  constructor(domain: Domain) {
    this.field(domain);
  }

  /** Appends one field (length-prefixed). */
  field(f: HashField): this {
    const b = fieldBytes(f);
    this.parts.push(u32(b.length), b);
    return this;
  }

  /** Appends a list: its length, then each element as a field. */
  list(items: readonly HashField[]): this {
    this.parts.push(u32(items.length));
    for (const f of items) this.field(f);
    return this;
  }

  digest(): Uint8Array {
    return sha256Backend().sha256(concatBytes(...this.parts));
  }

  hex(): string {
    return bytesToHex(this.digest());
  }
}

/** SHA-256 over a domain tag and length-prefixed fields, as hex. */
export function hashFields(domain: Domain, fields: readonly HashField[]): string {
  const h = new FieldHasher(domain);
  for (const f of fields) h.field(f);
  return h.hex();
}
