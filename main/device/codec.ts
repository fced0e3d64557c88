/**
 * JSON forms of the protocol's byte-carrying packages, for the state store
 * and the keystore. Public packages (EpochPublic) go to the state file;
 * secret shares (FrostSecret) only ever to the keystore.
 */
import type { FrostPublic, FrostSecret } from '@noble/curves/abstract/frost.js';
import { z } from 'zod';
import { bytesToHex, hexToBytes, utf8ToBytes } from '../../shared/bytes.js';
import type { EpochPublic } from '../../shared/epoch.js';
import { RampartError } from '../../shared/errors.js';
import { lazyVerifyingShares } from '../../shared/math/verifying-shares.js';
import { redactSecret } from '../../shared/redact.js';
import { getSuite } from '../../shared/suites.js';
import { epochSchema, hashSchema, hexRange, id16Schema, identifierSchema, deviceIdSchema, suiteSchema } from '../../shared/wire/primitives.js';

const epochJsonSchema = z.strictObject({
  suite: suiteSchema,
  quorumId: id16Schema,
  epoch: epochSchema,
  threshold: z.number().int().min(2),
  roster: z.array(z.strictObject({ deviceId: deviceIdSchema, identifier: identifierSchema })),
  commitments: z.array(hexRange(32, 33)),
  certificateHash: hashSchema,
});
/** An EpochPublic as JSON (bytes as hex). */
export type EpochJson = z.infer<typeof epochJsonSchema>;

/** EpochPublic → JSON. */
export function epochToJson(e: EpochPublic): EpochJson {
  return {
    suite: e.suite,
    quorumId: e.quorumId,
    epoch: e.epoch,
    threshold: e.threshold,
    roster: e.roster.map((m) => ({ deviceId: m.deviceId, identifier: m.identifier })),
    commitments: e.frostPublic.commitments.map((c) => bytesToHex(c)),
    // Verifying shares are not stored: they follow from the commitments (computed on first use).
    certificateHash: e.certificateHash,
  };
}

/** JSON → EpochPublic; throws ENCODING_INVALID for anything malformed. */
export function epochFromJson(data: unknown): EpochPublic {
  const r = epochJsonSchema.safeParse(data);
  if (!r.success) throw new RampartError('ENCODING_INVALID', 'stored epoch state is malformed');
  const j = r.data;
  const commitments = j.commitments.map((c) => hexToBytes(c));
  const frostPublic = {
    signers: { min: j.threshold, max: j.roster.length },
    commitments,
    verifyingShares: lazyVerifyingShares(getSuite(j.suite), commitments, j.roster.map((m) => m.identifier)),
  } as FrostPublic;
  return { suite: j.suite, quorumId: j.quorumId, epoch: j.epoch, threshold: j.threshold, roster: j.roster, frostPublic, certificateHash: j.certificateHash };
}

/** A share as keystore bytes: UTF-8 JSON {identifier, signingShare hex}. */
export function shareToBytes(s: FrostSecret): Uint8Array {
  return utf8ToBytes(JSON.stringify({ identifier: s.identifier, signingShare: bytesToHex(s.signingShare) }));
}

/** Keystore bytes → share (prints as <redacted>). */
export function shareFromBytes(b: Uint8Array): FrostSecret {
  const r = z.strictObject({ identifier: identifierSchema, signingShare: hexRange(32, 32) }).safeParse(JSON.parse(new TextDecoder().decode(b)));
  if (!r.success) throw new RampartError('ENCODING_INVALID', 'stored share is malformed');
  return redactSecret({ identifier: r.data.identifier, signingShare: hexToBytes(r.data.signingShare) } as FrostSecret);
}
