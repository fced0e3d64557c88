/** Which quorums need a fresh backup (DESIGN §6: after a reshare every earlier export is obsolete). Pure. */
import type { QuorumView } from '../../../shared/api.js';

/** A quorum whose exports are all obsolete: the holder has no backup that could restore a signing share. */
export interface FreshBackupNeeded {
  quorumId: string;
  name: string;
  epoch: number;
  /** The newest obsolete export's epoch. */
  lastBackupEpoch: number;
}

/** Quorums with an active share, at least one export, and no export at the current epoch. */
export function quorumsNeedingFreshBackup(quorums: readonly QuorumView[]): FreshBackupNeeded[] {
  const out: FreshBackupNeeded[] = [];
  for (const q of quorums) {
    if (q.share !== 'active' || q.backups.length === 0 || q.backups.some((b) => !b.obsolete)) continue;
    out.push({ quorumId: q.quorumId, name: q.name, epoch: q.epoch, lastBackupEpoch: Math.max(...q.backups.map((b) => b.epoch)) });
  }
  return out;
}
