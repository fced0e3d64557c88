/**
 * Backup test fixtures (DESIGN §6): quorum histories with real certificate
 * chains (trusted-dealer genesis, real reshares, identity-signed acks, FROST
 * test signatures; see reshare-harness.ts and certify.ts), and the backup
 * contents of any member at any epoch of such a history.
 */
import { expect } from 'vitest';
import type { BackupContents } from '../../shared/backup/payload.js';
import type { Certificate } from '../../shared/certificate/schema.js';
import type { RosterMember } from '../../shared/epoch.js';
import { isRampartError, type ErrorCode } from '../../shared/errors.js';
import { checkRoster } from '../../shared/identifiers.js';
import { getSuite, type SuiteName } from '../../shared/suites.js';
import type { Device, Quorum } from './ceremony.js';
import { certify } from './certify.js';
import { genesisWorld, identityOf, makePlan, nextRoster, reshareWorld, type World } from './reshare-harness.js';

/** A strong passphrase (zxcvbn score 4) for tests. */
export const PASSPHRASE = 'quartz lantern orbit 71 — velvet tundra';
/** The cheapest scrypt cost a reader accepts; tests use it to stay fast. */
export const TEST_N = 2 ** 15;

/** Every epoch of a quorum with its certificate chain: `worlds[e]` is epoch e, certified by `chain[e]`. */
export interface History {
  suite: SuiteName;
  worlds: World[];
  chain: Certificate[];
}

/** Epoch 0 of a t-of-n quorum with its genesis certificate. */
export function genesisHistory(suite: SuiteName, t: number, n: number): History {
  const w = genesisWorld(suite, t, n);
  const c = certify(w, null);
  return { suite, worlds: [w], chain: [c.certificate] };
}

/** One reshare step: which current members stay (indices into the current roster; default all), how many join, the new threshold (default unchanged). */
export interface ReshareStep {
  keep?: readonly number[];
  add?: number;
  threshold?: number;
}

/** Reshares the newest epoch of `h` by `step` and certifies the result; returns `h`, extended by one epoch. */
export function reshareHistory(h: History, step: ReshareStep = {}): History {
  const last = h.worlds[h.worlds.length - 1]!;
  const roster = last.epoch.roster;
  const keep: RosterMember[] = step.keep === undefined ? [...roster] : step.keep.map((i) => roster[i]!);
  const suite = getSuite(h.suite);
  // Epoch rosters are sorted by identifier (shared/epoch.ts); dealers are taken from its front.
  const newRoster = checkRoster(suite, nextRoster(suite, last.epoch, keep, step.add ?? 0)).map((m) => ({ deviceId: m.deviceId, identifier: m.identifier }));
  const next = reshareWorld(last, makePlan(last.epoch, newRoster, step.threshold ?? last.epoch.threshold));
  const c = certify(next, h.chain[h.chain.length - 1]!, next.transcriptHash);
  h.worlds.push(next);
  h.chain.push(c.certificate);
  return h;
}

/** The backup contents of `deviceId` at `epoch` of a history: its share, identity keys, epoch data and chain up to that epoch. */
export function contentsAt(h: History, epoch: number, deviceId: string): BackupContents {
  const world = h.worlds[epoch]!;
  const holder = world.holders.find((x) => x.deviceId === deviceId);
  if (holder === undefined) throw new Error(`backup fixtures: ${deviceId} holds no share at epoch ${epoch}`);
  return {
    share: holder.secret,
    device: identityOf(deviceId),
    epoch: world.epoch,
    certificates: h.chain.slice(0, epoch + 1),
  };
}

/** The backup contents of a device of an in-process ceremony quorum (real DKG), at the quorum's current epoch. */
export function contentsOfDevice(q: Quorum, d: Device): BackupContents {
  if (d.share === undefined) throw new Error(`backup fixtures: ${d.name} holds no share`);
  return { share: d.share, device: d.keys, epoch: structuredClone(q.epoch), certificates: [...q.chain] };
}

/** Runs `fn` (sync or async) and expects a RampartError with `code` (and `culprit`, if given); returns it. */
export async function expectCode(fn: () => unknown, code: ErrorCode, culprit?: string): Promise<{ code: ErrorCode; message: string; culprit: string | undefined }> {
  let caught: unknown;
  try {
    await fn();
  } catch (e) {
    caught = e;
  }
  expect(isRampartError(caught), `expected a RampartError ${code}, got ${String(caught)}`).toBe(true);
  if (!isRampartError(caught)) throw new Error('unreachable');
  expect(caught.code, caught.message).toBe(code);
  if (culprit !== undefined) expect(caught.culprit).toBe(culprit);
  return caught;
}
