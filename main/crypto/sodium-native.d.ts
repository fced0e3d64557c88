/**
 * The one sodium-native function Rampart calls (the package ships no types;
 * @types/sodium-native describes an older major). Signature as in
 * sodium-native 5's README: a 32-byte buffer in, a boolean out.
 */
declare module 'sodium-native' {
  /** libsodium's crypto_core_ed25519_is_valid_point: canonical, on the curve, in the prime-order subgroup, not of small order. */
  export function crypto_core_ed25519_is_valid_point(p: Uint8Array): boolean;
  const sodium: { crypto_core_ed25519_is_valid_point: typeof crypto_core_ed25519_is_valid_point };
  export default sodium;
}
