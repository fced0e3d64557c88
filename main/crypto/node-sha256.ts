/**
 * SHA-256 and HMAC-SHA256 through Node's OpenSSL (node:crypto), installed as
 * the shared/ backend in Node hosts (daemon, Electron main, relay). Same
 * function as @noble/hashes; test/crypto/sha256-backends.test.ts compares them.
 */
import { createHash, createHmac } from 'node:crypto';
import { useSha256Backend, type Sha256Backend } from '../../shared/sha256-backend.js';

const copy = (b: Buffer): Uint8Array => new Uint8Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));

/** The node:crypto backend. */
export const nodeSha256: Sha256Backend = {
  name: 'node',
  sha256: (data) => copy(createHash('sha256').update(data).digest()),
  hmacSha256: (key, data) => copy(createHmac('sha256', key).update(data).digest()),
};

/** Makes node:crypto the SHA-256 backend of this process (idempotent). */
export function installNodeSha256(): void {
  useSha256Backend(nodeSha256);
}
