/**
 * ed25519 base multiplication through libsodium (sodium-native), installed
 * in every Node host that deals (DESIGN §4 step 4: a dealer commits to its
 * t' secret coefficients, C_ik = a_ik·G). noble's constant-time base
 * multiplication takes about 0.5 ms in JS; libsodium's
 * crypto_scalarmult_ed25519_base_noclamp, also constant time, about 25 µs,
 * and a 67-of-100 reshare runs 4,489 of them. Same points as noble's:
 * test/crypto/base-mult.test.ts.
 */
import sodium from 'sodium-native';
import { useEd25519BaseMultiplier, type BaseMultiplier } from '../../shared/suites.js';

/** G·a through libsodium; undefined for a = 0, which libsodium refuses (the suite then asks noble). */
export const sodiumBaseMultiplier: BaseMultiplier = (scalar) => {
  if (scalar.length !== 32) return undefined;
  const out = new Uint8Array(32);
  try {
    sodium.crypto_scalarmult_ed25519_base_noclamp(out, scalar);
  } catch {
    return undefined;
  }
  return out;
};

/** Makes libsodium the ed25519 base multiplication for dealer commitments in this process (idempotent). */
export function installSodiumBaseMultiplier(): void {
  useEd25519BaseMultiplier(sodiumBaseMultiplier);
}
