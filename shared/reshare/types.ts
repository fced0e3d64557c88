/**
 * Typed packages of the redistribution protocol (DESIGN §4 steps 4–6).
 *
 * Flow: every dealer i in D runs `dealReshare` (old share → public
 * commitments C_i + one private sub-share f_i(x'_j) per new member j); every
 * new member runs `receiveReshare` over the deals addressed to it and gets
 * either its new share, the new public package and the transcript hash H to
 * ack, or a complaint that names the cheating dealer.
 */
import type { FrostPublic, FrostSecret } from '@noble/curves/abstract/frost.js';
import type { RosterMember } from '../epoch.js';
import type { ErrorCode } from '../errors.js';

/**
 * The session a reshare runs in: everything agreed in `reshare/propose` and
 * `reshare/start` that the math depends on. Every deal and the transcript hash
 * are bound to it (quorumId, sessionId, epoch, previous certificate hash).
 */
export interface ResharePlan {
  quorumId: string;
  sessionId: string;
  /** e: the epoch whose shares are redistributed. */
  fromEpoch: number;
  /** Hash of the epoch-e certificate. */
  prevCertificateHash: string;
  /** Hash of the signed `reshare/propose` message. */
  proposalHash: string;
  /** Hash of the signed `reshare/start` message. */
  startHash: string;
  /** D: dealer deviceIds, sorted by identifier, |D| ≥ t. */
  dealers: string[];
  /** t': threshold of the new epoch. */
  newThreshold: number;
  /** R': new roster (deviceId + new identifier). */
  newRoster: RosterMember[];
}

/** A dealer's public broadcast: C_i = [a_ik·G], k = 0..t'−1 (points as `Suite.encodeCommitment`). */
export interface ReshareDeal {
  dealer: string;
  commitments: Uint8Array[];
}

/** A dealer's output: the broadcast plus one private sub-share f_i(x'_j) per new member. */
export interface ReshareDealerOutput {
  deal: ReshareDeal;
  /** deviceId → encoded scalar f_i(x'_j); to be HPKE-sealed to that device. */
  subShares: Record<string, Uint8Array>;
}

/** What a new member received from one dealer: its broadcast and the opened sub-share for me. */
export interface ReceivedDeal {
  dealer: string;
  commitments: Uint8Array[];
  subShare: Uint8Array;
}

/** A signed-complaint payload naming the dealer(s) at fault (DESIGN §4 step 5). */
export interface ReshareComplaint {
  code: ErrorCode;
  message: string;
  /** The dealers at fault; empty only when no dealer can be singled out. */
  culprits: string[];
}

/** A new member's successful result: ack H only after persisting `secret` (I3). */
export interface ReshareSuccess {
  ok: true;
  secret: FrostSecret;
  public: FrostPublic;
  /** H = hash(proposal, start, C_i for i in D in order), hex. */
  transcriptHash: string;
  /** Hash of C' = Σ C_i, as the certificate records it. */
  commitmentsHash: string;
}

/** A new member's failed result: send a complaint, never an ack. */
export interface ReshareFailure {
  ok: false;
  complaint: ReshareComplaint;
}

/** The receiver step's result. */
export type ReshareReceipt = ReshareSuccess | ReshareFailure;
