/**
 * HKDF-SHA256 for HPKE (RFC 9180 §4, RFC 5869) computed synchronously with
 * @noble/hashes. @hpke's own HkdfSha256 goes through WebCrypto, where every
 * HMAC is an importKey plus an asynchronous job: about 0.4 ms per HPKE
 * operation in Node, for a few microseconds of hashing. A reshare opens and
 * seals thousands of sub-shares (DESIGN §4 step 4), so that overhead was a
 * large part of its CPU time. Labelled extract/expand, the suite id and the
 * limits stay @hpke's (inherited); only the three primitives are replaced.
 */
import { HkdfSha256Native, InvalidParamError } from '@hpke/common';
import { expand, extract } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';

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
    return Promise.resolve(ownBuffer(extract(sha256, bytesOf(ikm), s)));
  }

  override expand(prk: ArrayBufferLike | ArrayBufferView, info: ArrayBufferLike | ArrayBufferView, len: number): Promise<ArrayBuffer> {
    if (len > 255 * this.hashSize) return Promise.reject(new Error('Entropy limit reached'));
    return Promise.resolve(ownBuffer(expand(sha256, bytesOf(prk), bytesOf(info), len)));
  }

  override extractAndExpand(
    salt: ArrayBufferLike | ArrayBufferView,
    ikm: ArrayBufferLike | ArrayBufferView,
    info: ArrayBufferLike | ArrayBufferView,
    len: number,
  ): Promise<ArrayBuffer> {
    // WebCrypto's HKDF accepts any salt length here (DHKEM passes an empty one).
    const prk = extract(sha256, bytesOf(ikm), bytesOf(salt));
    return Promise.resolve(ownBuffer(expand(sha256, prk, bytesOf(info), len)));
  }
}
