/**
 * Import property (DESIGN §6) over random reshare histories with real
 * certificate chains: a backup is accepted iff its epoch is the current one.
 * Runs the check and policy layers (no scrypt: encryption is covered elsewhere).
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { checkBackupContents, decideImport, type BackupContents, type BackupHeader, backupHeaderFor } from '../../shared/backup/index.js';
import { certificateHash } from '../../shared/certificate/payloads.js';
import { SUITE_NAMES } from '../../shared/suites.js';
import { contentsAt, genesisHistory, reshareHistory, type ReshareStep } from '../helpers/backup-fixtures.js';

/** A random quorum history: t-of-n genesis, then 1–4 refreshes or restructures (members leave or join, t changes). */
const historyShape = fc.record({
  suite: fc.constantFrom(...SUITE_NAMES),
  n: fc.integer({ min: 2, max: 4 }),
  tSeed: fc.nat(),
  steps: fc.array(fc.record({ keepMask: fc.nat(), add: fc.integer({ min: 0, max: 2 }), tSeed: fc.nat() }), { minLength: 1, maxLength: 4 }),
  backupSeed: fc.nat(),
  memberSeed: fc.nat(),
  viewSeed: fc.nat(),
});

/** Turns a random step into a valid one for a roster of `size`: keeps ≥ 0 members, ends with n' ≥ 2 and 2 ≤ t' ≤ n'. */
function stepFor(size: number, s: { keepMask: number; add: number; tSeed: number }): ReshareStep {
  const keep = Array.from({ length: size }, (_, i) => i).filter((i) => ((s.keepMask >> i) & 1) === 0);
  const add = Math.max(s.add, 2 - keep.length);
  const n = keep.length + add;
  return { keep, add, threshold: 2 + (s.tSeed % (n - 1)) };
}

function headerOf(c: BackupContents): BackupHeader {
  return { ...backupHeaderFor(c, new Date()), format: 'rampart-backup', version: 1, ciphertextLength: 1000 };
}

describe('backup import over random reshare histories', () => {
  test('accepted iff the backup epoch is the current epoch; a lagging view accepts exactly the backups whose chain reaches it', () => {
    fc.assert(
      fc.property(historyShape, (r) => {
        const h = genesisHistory(r.suite, 2 + (r.tSeed % (r.n - 1)), r.n);
        for (const s of r.steps) reshareHistory(h, stepFor(h.worlds[h.worlds.length - 1]!.epoch.roster.length, s));
        const current = h.chain.length - 1;
        const b = r.backupSeed % (current + 1);
        const roster = h.worlds[b]!.epoch.roster;
        const device = roster[r.memberSeed % roster.length]!.deviceId;

        // The backup of any member at any epoch checks out against its own chain...
        const contents = contentsAt(h, b, device);
        const checked = checkBackupContents(headerOf(contents), contents);
        const subject = { quorumId: contents.epoch.quorumId, epoch: b, certificateHash: contents.epoch.certificateHash, chainHashes: checked.chainHashes };

        // ...but only the current epoch's restores, whatever the holder confirms.
        const newest = { quorumId: subject.quorumId, epoch: current, hash: certificateHash(h.chain[current]!), source: 'relay' as const };
        for (const acceptUnverified of [false, true]) {
          const d = decideImport({ backup: subject, current: { kind: 'known', certificate: newest }, acceptUnverified });
          expect(d.action === 'restore').toBe(b === current);
          if (b < current) expect(d).toMatchObject({ action: 'blocked', code: 'BACKUP_STALE', backupEpoch: b, currentEpoch: current });
        }

        // A device whose view stops at epoch v: the backup's verified chain makes max(v, b) current.
        const v = r.viewSeed % (current + 1);
        const view = { ...newest, epoch: v, hash: certificateHash(h.chain[v]!) };
        const lagging = decideImport({ backup: subject, current: { kind: 'known', certificate: view }, acceptUnverified: false });
        expect(lagging.action === 'restore').toBe(b >= v);

        // Without any view, nothing restores unconfirmed.
        expect(decideImport({ backup: subject, current: { kind: 'unknown' }, acceptUnverified: false }).action).toBe('needs-confirmation');
      }),
      { numRuns: 12 },
    );
  });
});
