/**
 * The ed25519 prime-order-subgroup check through libsodium (sodium-native),
 * installed in every Node host that receives deals (DESIGN §4 step 5: the
 * summed commitments C'_k must lie in the subgroup). noble's check is a
 * full scalar multiplication by L, about 0.7 ms in JS; libsodium's takes
 * about 40 µs, and a 67-of-100 reshare runs it t' times on each of the
 * n' receivers. Same verdict for every non-identity point (the suite answers
 * for the identity itself): test/crypto/subgroup-check.test.ts.
 */
import sodium from 'sodium-native';
import { useEd25519SubgroupCheck, type SubgroupCheck } from '../../shared/suites.js';

/** libsodium's crypto_core_ed25519_is_valid_point on a canonical encoding. */
export const sodiumSubgroupCheck: SubgroupCheck = (encoded) => encoded.length === 32 && sodium.crypto_core_ed25519_is_valid_point(encoded);

/** Makes libsodium the ed25519 subgroup check of this process (idempotent). */
export function installSodiumSubgroupCheck(): void {
  useEd25519SubgroupCheck(sodiumSubgroupCheck);
}
