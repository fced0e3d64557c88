/**
 * The sodium-native functions Rampart calls (the package ships no types;
 * @types/sodium-native describes an older major). Signatures as in
 * sodium-native 5's index.js.
 */
declare module 'sodium-native' {
  /** libsodium's crypto_core_ed25519_is_valid_point: canonical, on the curve, in the prime-order subgroup, not of small order. */
  export function crypto_core_ed25519_is_valid_point(p: Uint8Array): boolean;
  /** libsodium's crypto_scalarmult_ed25519_base_noclamp: q = n·G (n < 2^255, little-endian), constant time; throws for n = 0. */
  export function crypto_scalarmult_ed25519_base_noclamp(q: Uint8Array, n: Uint8Array): void;
  /** libsodium's crypto_sign_verify_detached (strict build): true iff the signature verifies. */
  export function crypto_sign_verify_detached(sig: Uint8Array, m: Uint8Array, pk: Uint8Array): boolean;
  const sodium: {
    crypto_sign_verify_detached: typeof crypto_sign_verify_detached;
    crypto_core_ed25519_is_valid_point: typeof crypto_core_ed25519_is_valid_point;
    crypto_scalarmult_ed25519_base_noclamp: typeof crypto_scalarmult_ed25519_base_noclamp;
  };
  export default sodium;
}
