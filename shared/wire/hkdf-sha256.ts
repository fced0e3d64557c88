/**
 * HKDF-SHA256 for HPKE (RFC 9180 §4, RFC 5869) computed synchronously with
 * the installed HMAC-SHA256 (shared/sha256-backend.ts: @noble/hashes, or
 * node:crypto in Node hosts). @hpke's own HkdfSha256 goes through WebCrypto, where every
 * HMAC is an importKey plus an asynchronous job: about 0.4 ms per HPKE
 * operation in Node, for a few microseconds of hashing. A reshare opens and
 * seals thousands of sub-shares (DESIGN §4 step 4), so that overhead was a
 * large part of its CPU time. Labelled extract/expand, the suite id and the
 * limits stay @hpke's (inherited); only the three primitives are replaced.
 */
import { HkdfSha256Native, InvalidParamError } from '@hpke/common';
import { sha256Backend } from '../sha256-backend.js';

const HASH_LEN = 32;

/** RFC 5869 §2.2: PRK = HMAC-Hash(salt, IKM); an empty salt is HashLen zeros (what HMAC pads it to anyway). */
function extract(ikm: Uint8Array, salt: Uint8Array): Uint8Array {
  return sha256Backend().hmacSha256(salt.length === 0 ? new Uint8Array(HASH_LEN) : salt, ikm);
}

/** RFC 5869 §2.3: T(i) = HMAC-Hash(PRK, T(i−1) ‖ info ‖ i), OKM = the first `len` bytes of T(1) ‖ T(2) ‖ … */
function expand(prk: Uint8Array, info: Uint8Array, len: number): Uint8Array {
  const out = new Uint8Array(len);
  let t: Uint8Array = new Uint8Array(0);
  for (let i = 1, at = 0; at < len; i++, at += HASH_LEN) {
    const input = new Uint8Array(t.length + info.length + 1);
    input.set(t);
    input.set(info, t.length);
    input[input.length - 1] = i;
    t = sha256Backend().hmacSha256(prk, input);
    out.set(t.subarray(0, Math.min(HASH_LEN, len - at)), at);
  }
  return out;
}

function bytesOf(input: ArrayBufferLike | ArrayBufferView): Uint8Array {
  if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  return new Uint8Array(input);
}

/** An ArrayBuffer holding exactly these bytes (what @hpke's interfaces return). */
function ownBuffer(bytes: Uint8Array): ArrayBuffer {
  const out = new Uint8Array(bytes.length);
  out.set(bytes);
  return out.buffer;
}

/** HKDF-SHA256 with synchronous hashing; same inputs, same outputs and same errors as @hpke's WebCrypto one. */
export class SyncHkdfSha256 extends HkdfSha256Native {
  override extract(salt: ArrayBufferLike | ArrayBufferView, ikm: ArrayBufferLike | ArrayBufferView): Promise<ArrayBuffer> {
    const s = bytesOf(salt);
    // RFC 9180 uses an empty salt for "no salt" (HMAC pads it to hashSize zeros); any other salt must be Nh bytes.
    if (s.length !== 0 && s.length !== this.hashSize) {
      return Promise.reject(new InvalidParamError('The salt length must be the same as the hashSize'));
    }
    return Promise.resolve(ownBuffer(extract(bytesOf(ikm), s)));
  }

  override expand(prk: ArrayBufferLike | ArrayBufferView, info: ArrayBufferLike | ArrayBufferView, len: number): Promise<ArrayBuffer> {
    if (len > 255 * this.hashSize) return Promise.reject(new Error('Entropy limit reached'));
    return Promise.resolve(ownBuffer(expand(bytesOf(prk), bytesOf(info), len)));
  }

  override extractAndExpand(
    salt: ArrayBufferLike | ArrayBufferView,
    ikm: ArrayBufferLike | ArrayBufferView,
    info: ArrayBufferLike | ArrayBufferView,
    len: number,
  ): Promise<ArrayBuffer> {
    // WebCrypto's HKDF accepts any salt length here (DHKEM passes an empty one).
    const prk = extract(bytesOf(ikm), bytesOf(salt));
    return Promise.resolve(ownBuffer(expand(prk, bytesOf(info), len)));
  }
}
