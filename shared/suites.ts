/**
 * The two ciphersuites (DESIGN §3), bound to @noble/curves in this one file.
 * Everything else in shared/ is written once against the `Suite` interface.
 *
 * - `ed25519`: FROST(Ed25519, SHA-512) (RFC 9591 §6.1); signatures verify with
 *   plain `ed25519.verify` under the 32-byte group key.
 * - `secp256k1-tr`: noble's `schnorr_FROST` (RFC 9591 with BIP-340 challenge and
 *   even-Y adjustments); signatures verify with plain `schnorr.verify` under the
 *   32-byte x-only group key (Taproot).
 */
import { createFROST, type FROST, type Identifier } from '@noble/curves/abstract/frost.js';
import { pippenger } from '@noble/curves/abstract/curve.js';
import type { IField } from '@noble/curves/abstract/modular.js';
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { schnorr, schnorr_FROST, secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToHex, concatBytes, hexToBytes, HEX_RE } from './bytes.js';
import { RampartError } from './errors.js';
import { sumEd25519Commitments } from './math/ed25519-commitment-sum.js';
import { decompressEd25519 } from './math/ed25519-decompress.js';
import { evalPolyAtSmall, fromAffine, toAffineBytes, type Extended } from './math/ed25519-extended.js';
import { fe, feFromBigInt, feMul, type AffineBytes } from './math/ed25519-field.js';

/** Names of the supported suites, as they appear on the wire. */
export const SUITE_NAMES = ['ed25519', 'secp256k1-tr'] as const;
/** A supported suite name. */
export type SuiteName = (typeof SUITE_NAMES)[number];

/**
 * A prime-order group element. Both noble point classes satisfy this shape
 * (method parameters are bivariant), so generic code never names a curve.
 */
export interface GroupElement {
  add(other: GroupElement): GroupElement;
  double(): GroupElement;
  subtract(other: GroupElement): GroupElement;
  negate(): GroupElement;
  multiply(scalar: bigint): GroupElement;
  multiplyUnsafe(scalar: bigint): GroupElement;
  equals(other: GroupElement): boolean;
  is0(): boolean;
  toBytes(): Uint8Array;
  /** True iff the point lies in the prime-order subgroup (always true for secp256k1). */
  isTorsionFree(): boolean;
}

/** Everything the protocol needs from a ciphersuite. */
export interface Suite {
  readonly name: SuiteName;
  /** noble's FROST API for this suite: DKG, commit, signShare, aggregate. */
  readonly frost: FROST;
  /** The scalar field (order of the prime-order group). */
  readonly Fn: IField<bigint>;
  /** The generator. */
  readonly G: GroupElement;
  /** The identity element. */
  readonly ZERO: GroupElement;
  /** Encoded length of a group element (32 for ed25519, 33 compressed for secp256k1). */
  readonly pointLength: number;
  /**
   * Decodes a group element in its one canonical encoding and checks that it
   * lies in the prime-order subgroup. The identity is returned, not rejected,
   * so the caller can name that fault precisely. Throws on anything else.
   */
  decodePoint(bytes: Uint8Array): GroupElement;
  /**
   * As `decodePoint` without the subgroup check (about 1 ms per ed25519
   * point). Only for points whose sum is subgroup-checked afterwards.
   */
  decodeCurvePoint(bytes: Uint8Array): GroupElement;
  /**
   * A dealer commitment on the wire: uncompressed affine coordinates
   * (ed25519: x‖y, 32 bytes each, little-endian; secp256k1: SEC1 0x04‖x‖y).
   * Receivers decode |D|·t' of them per reshare; uncompressed points need a
   * curve-equation check instead of a square root (about 25× cheaper).
   */
  encodeCommitment(p: GroupElement): Uint8Array;
  /**
   * `encodeCommitment(G·a)` for a secret scalar a (a dealer's polynomial
   * coefficient), constant time in a. For ed25519 a host may install a
   * native base multiplication (`useEd25519BaseMultiplier`).
   */
  commitScalar(a: bigint): Uint8Array;
  /** Decodes `encodeCommitment` output: canonical coordinates on the curve; no subgroup check. */
  decodeCommitment(bytes: Uint8Array): GroupElement;
  /** Encoded length of a commitment (64 for ed25519, 65 for secp256k1). */
  readonly commitmentLength: number;
  /**
   * Σ_i vectors[i], coefficient by coefficient over `len` coefficients (the
   * summed commitments C' of DESIGN §4 step 5), after checking every entry
   * as `decodeCommitment` does and that it is not the identity. `undefined`
   * when a vector has another length or an entry is refused; the caller
   * then decodes deal by deal, which names the culprit (ed25519 also
   * refuses x = 0 here, i.e. the point of order 2, which that path judges).
   */
  sumCommitmentVectors(vectors: readonly (readonly Uint8Array[])[], len: number): GroupElement[] | undefined;
  /**
   * True iff `p` lies in the prime-order subgroup (the identity does). For
   * ed25519 this is the installed subgroup check if a host installed one
   * (`useEd25519SubgroupCheck`), else noble's; always true for secp256k1.
   */
  inPrimeOrderSubgroup(p: GroupElement): boolean;
  /**
   * Σ_k points[k]·x^k for a small public integer 1 ≤ x < 2^32 (a Feldman
   * evaluation at an identifier), where the suite has a faster way than
   * generic Horner (ed25519: limb arithmetic). Variable time: public data only.
   */
  readonly evalSmall?: (points: readonly GroupElement[], x: number) => GroupElement;
  /** Multi-scalar multiplication Σ s_i·P_i (Pippenger), variable time: public data only. */
  msm(points: GroupElement[], scalars: bigint[]): GroupElement;
  /** The group key in the suite's standard external encoding (ed25519: 32 bytes; secp256k1-tr: 32-byte x-only). */
  externalGroupKey(commitment0: Uint8Array): Uint8Array;
  /** The plain standard verifier: `ed25519.verify` or BIP-340 `schnorr.verify`. */
  verify(signature: Uint8Array, message: Uint8Array, externalKey: Uint8Array): boolean;
  /** Decodes an identifier's hex to its integer without reducing it (see `shared/identifiers.ts`). */
  identifierToInteger(id: Identifier): bigint;
  /** The canonical identifier hex of a non-zero scalar. */
  identifierFromScalar(x: bigint): Identifier;
}

/**
 * Decides whether a non-identity ed25519 point, given in its canonical
 * 32-byte encoding, lies in the prime-order subgroup. Must give noble's
 * verdict (`isTorsionFree`) on every such point.
 */
export type SubgroupCheck = (encoded: Uint8Array) => boolean;

let ed25519SubgroupCheck: SubgroupCheck | undefined;

/**
 * Installs a faster ed25519 subgroup check for the whole process (Node hosts
 * install libsodium's: main/crypto/sodium-subgroup.ts); `undefined` restores noble's.
 * It serves Rampart's protocol code and the points noble's FROST parses (Ed25519FrostPoint).
 */
export function useEd25519SubgroupCheck(check: SubgroupCheck | undefined): void {
  ed25519SubgroupCheck = check;
}

/**
 * G·a on ed25519 for a secret scalar a given as 32 little-endian bytes
 * (a < L): its compressed encoding, computed in constant time; `undefined`
 * when it cannot (a = 0). Must equal noble's `Point.BASE.multiply(a)`.
 */
export type BaseMultiplier = (scalar: Uint8Array) => Uint8Array | undefined;

let ed25519BaseMultiplier: BaseMultiplier | undefined;

/**
 * Installs a faster ed25519 base multiplication for dealer commitments
 * (Node hosts install libsodium's: main/crypto/sodium-base-mult.ts); `undefined`
 * restores noble's. A dealer computes t' of them per reshare.
 */
export function useEd25519BaseMultiplier(multiplier: BaseMultiplier | undefined): void {
  ed25519BaseMultiplier = multiplier;
}

/** Subgroup membership of an ed25519 point: the installed check, else `noble` (the point's own isTorsionFree). */
function ed25519InSubgroup(p: { is0(): boolean; toBytes(): Uint8Array }, noble: () => boolean): boolean {
  return ed25519SubgroupCheck === undefined || p.is0() ? noble() : ed25519SubgroupCheck(p.toBytes());
}

function bindSuite(
  name: SuiteName,
  frost: FROST,
  Point: typeof ed25519.Point | typeof secp256k1.Point,
  pointLength: number,
  msm: (points: GroupElement[], scalars: bigint[]) => GroupElement,
  commitmentCodec: { length: number; encode(p: GroupElement): Uint8Array; decode(b: Uint8Array): GroupElement },
  externalGroupKey: (c0: Uint8Array) => Uint8Array,
  verify: (sig: Uint8Array, msg: Uint8Array, key: Uint8Array) => boolean,
  inPrimeOrderSubgroup: (p: GroupElement) => boolean,
): Suite {
  const Fn = Point.Fn;
  const decodeCurvePoint = (bytes: Uint8Array): GroupElement => {
    if (bytes.length !== pointLength) throw new Error(`point must be ${pointLength} bytes`);
    const p = Point.fromBytes(bytes);
    if (!p.is0()) p.assertValidity();
    // Canonical encoding only: re-encoding must give the same bytes.
    if (bytesToHex(p.toBytes()) !== bytesToHex(bytes)) throw new Error('non-canonical point encoding');
    return p;
  };
  const decodeCommitment = (bytes: Uint8Array): GroupElement => {
    if (bytes.length !== commitmentCodec.length) throw new Error(`commitment must be ${commitmentCodec.length} bytes`);
    return commitmentCodec.decode(bytes);
  };
  return {
    name,
    frost,
    Fn,
    G: Point.BASE,
    ZERO: Point.ZERO,
    pointLength,
    decodePoint(bytes) {
      const p = decodeCurvePoint(bytes);
      if (!inPrimeOrderSubgroup(p)) throw new Error('point is not in the prime-order subgroup');
      return p;
    },
    decodeCurvePoint,
    inPrimeOrderSubgroup,
    commitmentLength: commitmentCodec.length,
    encodeCommitment: (p) => commitmentCodec.encode(p),
    commitScalar: (a) => commitmentCodec.encode(Point.BASE.multiply(a)),
    decodeCommitment,
    sumCommitmentVectors(vectors, len) {
      if (vectors.some((v) => v.length !== len)) return undefined;
      const sum = new Array<GroupElement>(len).fill(Point.ZERO);
      for (const v of vectors) {
        for (let k = 0; k < len; k++) {
          let p: GroupElement;
          try {
            p = decodeCommitment(v[k] as Uint8Array);
          } catch {
            return undefined;
          }
          if (p.is0()) return undefined;
          sum[k] = (sum[k] as GroupElement).add(p);
        }
      }
      return sum;
    },
    msm(points, scalars) {
      if (points.length !== scalars.length) throw new Error('msm: length mismatch');
      return points.length === 0 ? Point.ZERO : msm(points, scalars);
    },
    externalGroupKey,
    verify(sig, msg, key) {
      try {
        return verify(sig, msg, key);
      } catch {
        return false;
      }
    },
    identifierToInteger(id) {
      if (typeof id !== 'string' || id.length !== Fn.BYTES * 2 || !HEX_RE.test(id)) {
        throw new RampartError('IDENTIFIER_NONCANONICAL', `identifier must be ${Fn.BYTES * 2} lower-case hex digits`);
      }
      const bytes = hexToBytes(id);
      const be = Fn.isLE ? bytes.slice().reverse() : bytes;
      return BigInt('0x' + (bytesToHex(be) || '0'));
    },
    identifierFromScalar(x) {
      return bytesToHex(Fn.toBytes(x));
    },
  };
}

/** Per decoded Ed25519FrostPoint: its canonical encoding (the bytes it was decoded from). */
const strictEncodings = new WeakMap<object, Uint8Array>();
/** Per Ed25519FrostPoint: its subgroup verdict, once computed. */
const subgroupVerdicts = new WeakMap<object, boolean>();

/**
 * The ed25519 point with canonical affine coordinates (little-endian bytes). Its encoding
 * (`encoding`, else computed here from x and y: RFC 8032 §5.1.2) is kept, not computed again.
 */
function ed25519FromAffine({ x, y }: AffineBytes, encoding?: Uint8Array): Ed25519FrostPoint {
  const X = readLe256(x, 0);
  const Y = readLe256(y, 0);
  const p = new Ed25519FrostPoint(X, Y, 1n, (X * Y) % ED25519_P);
  let enc = encoding;
  if (enc === undefined) {
    // y, with the low bit of x as the top bit.
    enc = y.slice();
    enc[31] = (enc[31] as number) | (((x[0] as number) & 1) << 7);
  }
  strictEncodings.set(p, enc);
  return p;
}

/**
 * noble's ed25519 point, except that its subgroup check is the installed one
 * (`useEd25519SubgroupCheck`), noble's own otherwise. Decoding returns this
 * class, so every point noble's FROST parses (nonce commitments, group
 * key, verifying shares) is checked that way; arithmetic is noble's.
 */
export class Ed25519FrostPoint extends ed25519.Point {
  override isTorsionFree(): boolean {
    // noble's FROST asks twice for every point it parses; the answer cannot change (points are frozen).
    let verdict = subgroupVerdicts.get(this);
    if (verdict === undefined) {
      verdict = ed25519InSubgroup(this, () => super.isTorsionFree());
      subgroupVerdicts.set(this, verdict);
    }
    return verdict;
  }

  /** A decoded point's encoding is the bytes it came from: no field inversion to compute it again. */
  override toBytes(): Uint8Array {
    const bytes = strictEncodings.get(this);
    return bytes === undefined ? super.toBytes() : bytes.slice();
  }

  /**
   * Strict decoding (RFC 8032 §5.1.3) goes through limb arithmetic (shared/math/ed25519-decompress.ts,
   * noble's verdict and point, ~3× faster); ZIP-215 decoding stays noble's. A strict decoding accepts
   * only the canonical encoding (y < p, no "negative zero" x), so the input is exactly what toBytes
   * would compute, and is kept as the point's encoding.
   */
  static override fromBytes(bytes: Uint8Array, zip215?: boolean): Ed25519FrostPoint {
    if (zip215 === true) {
      const p = ed25519.Point.fromBytes(bytes, zip215);
      return new Ed25519FrostPoint(p.X, p.Y, p.Z, p.T);
    }
    if (!(bytes instanceof Uint8Array)) throw new Error('point must be a Uint8Array');
    const affine = decompressEd25519(bytes);
    if (typeof affine === 'string') throw new Error(`bad point: ${affine}`);
    return ed25519FromAffine(affine, Uint8Array.from(bytes));
  }

  /**
   * noble's multi-scalar multiplication checks `point instanceof Point` against the class FROST was
   * built with; points from noble's own arithmetic (sums, products) are plain ed25519 points, the
   * same points in every respect but this check, so any ed25519 point counts as one of ours.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return value instanceof ed25519.Point;
  }
}

/**
 * FROST(Ed25519, SHA-512), RFC 9591 §6.1: noble's `createFROST` with exactly
 * the options of noble's own `ed25519_FROST` (name, hash, undecorated H2, the
 * same point validation), over Ed25519FrostPoint. noble's FROST parses every
 * point through two subgroup checks (a scalar multiplication by L each,
 * ~0.7 ms in JS): at t = 67 that was ~220 ms of each signature share. With
 * libsodium's check installed (Node hosts) a share takes ~35 ms; signing
 * itself, and every output, is noble's (test/crypto/frost-instance.test.ts
 * compares the two instances).
 */
const ed25519Frost: FROST = createFROST({
  name: 'FROST-ED25519-SHA512-v1',
  Point: Ed25519FrostPoint as typeof ed25519.Point,
  validatePoint: (p) => {
    p.assertValidity();
    if (!p.isTorsionFree()) throw new Error('bad point: not torsion-free');
  },
  hash: sha512,
  H2: '',
});

const ED25519_P = ed25519.Point.Fp.ORDER;
const ED25519_D = ed25519.Point.CURVE().d;

/** The little-endian 256-bit integer in b[offset .. offset+32). */
function readLe256(b: Uint8Array, offset: number): bigint {
  const v = new DataView(b.buffer, b.byteOffset + offset, 32);
  return v.getBigUint64(0, true) | (v.getBigUint64(8, true) << 64n) | (v.getBigUint64(16, true) << 128n) | (v.getBigUint64(24, true) << 192n);
}


const ed25519Bound: Suite = bindSuite(
  'ed25519',
  ed25519Frost,
  // Decoding through Ed25519FrostPoint: its strict fromBytes is the limb decoder, and it keeps the encoding.
  Ed25519FrostPoint,
  32,
  (points, scalars) => pippenger(ed25519.Point, points as InstanceType<typeof ed25519.Point>[], scalars),
  {
    length: 64,
    encode(p) {
      const { x, y } = (p as InstanceType<typeof ed25519.Point>).toAffine();
      return concatBytes(ed25519.Point.Fp.toBytes(x), ed25519.Point.Fp.toBytes(y));
    },
    decode(b) {
      // A receiver decodes |D|·t' of these per reshare (4,489 at 67-of-100), so this is the direct
      // form of noble's Fp.fromBytes + fromAffine + assertValidity (about half the cost, same verdict;
      // test/crypto/commitment-codec.test.ts): coordinates < p, so each point has exactly one
      // encoding, and on the curve −x² + y² = 1 + d·x²·y². The identity (0, 1) is returned so the
      // caller can name that fault.
      const x = readLe256(b, 0);
      const y = readLe256(b, 32);
      if (x >= ED25519_P || y >= ED25519_P) throw new Error('commitment coordinate is not below p');
      const x2 = (x * x) % ED25519_P;
      const y2 = (y * y) % ED25519_P;
      if ((y2 - x2 - 1n - ED25519_D * ((x2 * y2) % ED25519_P)) % ED25519_P !== 0n) throw new Error('commitment is not on the curve');
      return ed25519.Point.fromAffine({ x, y });
    },
  },
  (c0) => c0.slice(),
  (sig, msg, key) => ed25519.verify(sig, msg, key),
  (p) => ed25519InSubgroup(p, () => p.isTorsionFree()),
);

/** A noble ed25519 point's extended coordinates in limbs (decoded and summed points have Z = 1: two conversions, one product). */
function toExtended(p: GroupElement): Extended {
  const q = p as InstanceType<typeof ed25519.Point>;
  if (q.Z !== 1n) return { X: feFromBigInt(q.X), Y: feFromBigInt(q.Y), Z: feFromBigInt(q.Z), T: feFromBigInt(q.T) };
  const X = feFromBigInt(q.X);
  const Y = feFromBigInt(q.Y);
  const T = fe();
  feMul(T, X, Y);
  return fromAffine(X, Y, T);
}

/**
 * FROST(Ed25519, SHA-512); receivers sum commitments and Feldman evaluations run in limb
 * arithmetic (shared/math/ed25519-commitment-sum.ts, ed25519-extended.ts).
 */
export const ed25519Suite: Suite = {
  ...ed25519Bound,
  evalSmall(points, x) {
    const [affine] = toAffineBytes([evalPolyAtSmall(points.map(toExtended), x)]);
    return ed25519FromAffine(affine as AffineBytes);
  },
  commitScalar(a) {
    if (ed25519BaseMultiplier !== undefined) {
      const scalar = ed25519Bound.Fn.toBytes(a);
      const encoded = ed25519BaseMultiplier(scalar);
      scalar.fill(0);
      // The installed multiplier gives the compressed point; the wire form is its affine x‖y.
      const affine = encoded === undefined ? 'no point' : decompressEd25519(encoded);
      if (typeof affine !== 'string') return concatBytes(affine.x, affine.y);
    }
    return ed25519Bound.commitScalar(a);
  },
  sumCommitmentVectors(vectors, len) {
    return sumEd25519Commitments(vectors, len)?.map((sum) => ed25519FromAffine(sum));
  },
};

/** FROST(secp256k1, SHA-256) with BIP-340 signatures (Taproot). */
export const secp256k1TrSuite: Suite = bindSuite(
  'secp256k1-tr',
  schnorr_FROST,
  secp256k1.Point,
  33,
  (points, scalars) => pippenger(secp256k1.Point, points as InstanceType<typeof secp256k1.Point>[], scalars),
  {
    length: 65,
    encode: (p) => (p as InstanceType<typeof secp256k1.Point>).toBytes(false),
    decode(b) {
      if (b[0] !== 0x04) throw new Error('commitment must be an uncompressed SEC1 point');
      const p = secp256k1.Point.fromBytes(b);
      p.assertValidity();
      return p;
    },
  },
  // Compressed SEC1 point → BIP-340 x-only key: drop the parity byte.
  (c0) => c0.slice(1),
  (sig, msg, key) => schnorr.verify(sig, msg, key),
  // Cofactor 1: every curve point is in the group.
  (p) => p.isTorsionFree(),
);

/** The suite of a given name; throws SUITE_UNSUPPORTED for any other string. */
export function getSuite(name: string): Suite {
  if (name === 'ed25519') return ed25519Suite;
  if (name === 'secp256k1-tr') return secp256k1TrSuite;
  throw new RampartError('SUITE_UNSUPPORTED', `unsupported suite "${name}"`);
}
