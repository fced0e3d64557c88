/**
 * The public state every member of a quorum stores for its current epoch
 * (DESIGN §4). Reshare steps read the old epoch's values from here, never from
 * what a dealer or the relay supplies.
 */
import type { FrostPublic, Identifier } from '@noble/curves/abstract/frost.js';
import type { SuiteName } from './suites.js';

/** A member of a roster: its device and its FROST identifier (hex scalar, suite encoding). */
export interface RosterMember {
  deviceId: string;
  identifier: Identifier;
}

/** The public package of one epoch of one quorum, as stored by each member. */
export interface EpochPublic {
  suite: SuiteName;
  quorumId: string;
  epoch: number;
  /** Threshold t: signers needed. Equals `frostPublic.signers.min`. */
  threshold: number;
  /** Members, sorted by identifier. */
  roster: RosterMember[];
  /** noble's public package: t commitments (commitments[0] is the group key) and verifying shares Y_i. */
  frostPublic: FrostPublic;
  /** Hash of this epoch's certificate (the genesis certificate for epoch 0). */
  certificateHash: string;
}
