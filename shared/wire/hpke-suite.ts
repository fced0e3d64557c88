/**
 * The one HPKE suite of share sealing (DESIGN §3): RFC 9180 base mode,
 * DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, ChaCha20-Poly1305, built from
 * @hpke's parts. Where the X25519 comes from is the host's choice:
 * - by default, @hpke/core's DhkemX25519HkdfSha256 (WebCrypto's native
 *   X25519): runs in Node and in browsers;
 * - a host with synchronous native X25519 (Node's OpenSSL, in the daemon and
 *   Electron's main process) installs it with `useX25519Backend`; the KEM is
 *   then @hpke's generic DHKEM over that curve. Same keys, same ciphertexts
 *   (RFC 9180 vectors pass through both; test/wire/hpke-backends.test.ts).
 * HKDF is always the synchronous one (./hkdf-sha256.ts).
 */
import { Dhkem, KemId, XCurveDhkemPrimitives } from '@hpke/common';
import { CipherSuite, DhkemX25519HkdfSha256 } from '@hpke/core';
import { Chacha20Poly1305 } from '@hpke/chacha20poly1305';
import { SyncHkdfSha256 } from './hkdf-sha256.js';

/**
 * X25519 on raw 32-byte keys, in @noble/curves' shape (what @hpke's generic
 * DHKEM calls). Every returned array must own its whole buffer (@hpke reads
 * `.buffer`). `getSharedSecret` must throw for an all-zero result (a
 * low-order peer key; RFC 9180 §7.1.4).
 */
export interface X25519Backend {
  /** A short name for diagnostics ('webcrypto', 'node'). */
  readonly name: string;
  readonly utils: { randomSecretKey(): Uint8Array };
  getPublicKey(secretKey: Uint8Array): Uint8Array;
  getSharedSecret(secretKey: Uint8Array, publicKey: Uint8Array): Uint8Array;
}

type MontgomeryECDH = ConstructorParameters<typeof XCurveDhkemPrimitives>[2];

/** The backend in the full curve shape @hpke's types ask for (its DHKEM calls only the three members above). */
function montgomeryOf(backend: X25519Backend): MontgomeryECDH {
  const GuBytes = new Uint8Array(32);
  GuBytes[0] = 9; // RFC 7748 §4.1: the base point u = 9
  return {
    scalarMult: (scalar, u) => backend.getSharedSecret(scalar, u),
    scalarMultBase: (scalar) => backend.getPublicKey(scalar),
    getSharedSecret: (a, b) => backend.getSharedSecret(a, b),
    getPublicKey: (sk) => backend.getPublicKey(sk),
    utils: { randomSecretKey: () => Promise.resolve(backend.utils.randomSecretKey()) },
    GuBytes,
    lengths: { secretKey: 32, publicKey: 32, seed: 32 },
    keygen: () => {
      const secretKey = backend.utils.randomSecretKey();
      return { secretKey, publicKey: backend.getPublicKey(secretKey) };
    },
  };
}

/** DHKEM(X25519, HKDF-SHA256) (RFC 9180 §7.1) over a given X25519; the sizes are the KEM's (Nsecret, Nenc, Npk, Nsk). */
class DhkemX25519OnBackend extends Dhkem {
  override readonly id = KemId.DhkemX25519HkdfSha256;
  override readonly secretSize = 32;
  override readonly encSize = 32;
  override readonly publicKeySize = 32;
  override readonly privateKeySize = 32;

  constructor(backend: X25519Backend) {
    const kdf = new SyncHkdfSha256();
    super(KemId.DhkemX25519HkdfSha256, new XCurveDhkemPrimitives('X25519', 32, montgomeryOf(backend), kdf), kdf);
  }
}

function buildSuite(backend: X25519Backend | undefined): CipherSuite {
  const kem = backend === undefined ? new DhkemX25519HkdfSha256() : new DhkemX25519OnBackend(backend);
  return new CipherSuite({ kem, kdf: new SyncHkdfSha256(), aead: new Chacha20Poly1305() });
}

let installed: X25519Backend | undefined;
let current: CipherSuite = buildSuite(undefined);

/** The suite in use (its keys are only valid with the suite that imported them). */
export function hpkeSuite(): CipherSuite {
  return current;
}

/** The X25519 behind the suite in use ('webcrypto' unless a host installed one). */
export function x25519BackendName(): string {
  return installed?.name ?? 'webcrypto';
}

/** Installs an X25519 backend for the whole process (hosts call it once at start-up); `undefined` restores WebCrypto. */
export function useX25519Backend(backend: X25519Backend | undefined): void {
  // Idempotent: keys imported under the current suite stay valid when the same backend is installed again.
  if (backend === installed) return;
  installed = backend;
  current = buildSuite(backend);
}
