/** Byte helpers used across shared/: hex, concatenation, constant-time compare. */
import { bytesToHex, concatBytes, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';

export { bytesToHex, concatBytes, hexToBytes, utf8ToBytes };

/** Lower-case hex of even length; the only hex form the wire accepts. */
export const HEX_RE = /^(?:[0-9a-f]{2})*$/;

/** Decodes lower-case hex, or returns undefined for anything else. */
export function tryHexToBytes(hex: string): Uint8Array | undefined {
  if (!HEX_RE.test(hex)) return undefined;
  return hexToBytes(hex);
}

/** Compares two byte arrays without an early exit on the first difference. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] as number) ^ (b[i] as number);
  return diff === 0;
}
