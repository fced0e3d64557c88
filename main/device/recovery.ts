/**
 * Crash recovery and catching up (DESIGN §4 step 6, invariant I6): a device
 * that was down when a certificate formed, or crashed between storing its
 * pending share and activating it, adopts the certificate later — from the
 * relay at start-up or from a redelivered `reshare/commit` — and ends in
 * exactly one active epoch holding exactly one share per quorum.
 */
import { verifyCertificate, parseCertificate } from '../../shared/certificate/verify.js';
import { RampartError } from '../../shared/errors.js';
import { commitmentsHash } from '../../shared/reshare/transcript.js';
import { getSuite } from '../../shared/suites.js';
import { epochFromJson, epochToJson } from './codec.js';
import { secretNames, type SessionContext } from './context.js';

/** Deletes keystore leftovers of a quorum: shares older than the current epoch, pending shares not newer than it. */
export async function deleteLeftovers(ctx: SessionContext, quorumId: string): Promise<void> {
  const current = ctx.epoch(quorumId);
  if (current === undefined) return;
  for (const name of await ctx.secrets.list(`quorum/${quorumId}/epoch/`)) {
    const m = /^quorum\/[0-9a-f]+\/epoch\/(\d+)\/(share|pending)$/.exec(name);
    if (m === null) continue;
    const epoch = Number(m[1]);
    if ((m[2] === 'share' && epoch < current.epoch) || (m[2] === 'pending' && epoch <= current.epoch)) {
      await ctx.secrets.delete(name);
      ctx.log('leftover-deleted', `${m[2]} of epoch ${epoch} (current epoch ${current.epoch})`, quorumId);
    }
  }
}

/**
 * Adopts a certificate for epoch e+1 of a quorum whose stored epoch is e: a
 * new member activates its pending share (checked against the certificate);
 * a removed member records the certificate; both delete the epoch-e share.
 * Returns false when the certificate is not newer than the stored epoch.
 */
export async function adoptCertificate(ctx: SessionContext, quorumId: string, data: unknown): Promise<boolean> {
  const current = ctx.epoch(quorumId);
  const chain = ctx.chain(quorumId);
  const last = chain[chain.length - 1];
  if (current === undefined || last === undefined) return false;
  const cert = parseCertificate(data);
  if (cert.quorumId !== quorumId || cert.epoch <= current.epoch) return false;
  if (cert.epoch > current.epoch + 1) {
    ctx.log('device-behind', `the relay has epoch ${cert.epoch}; this device is at epoch ${current.epoch} and cannot verify the gap`, quorumId);
    return false;
  }
  const hash = verifyCertificate(cert, last);
  const name = ctx.quorumName(quorumId);
  const member = cert.roster.find((m) => m.deviceId === ctx.deviceId);
  if (member !== undefined) {
    const pending = await ctx.readShare(quorumId, cert.epoch, true);
    const saved = ctx.state.getValue(`pending-epoch/${quorumId}`);
    const next = saved === undefined || saved === 'null' ? undefined : epochFromJson(JSON.parse(saved));
    if (pending === undefined || next === undefined || next.epoch !== cert.epoch || pending.identifier !== member.identifier) {
      throw new RampartError('LOCAL_SHARE_MISMATCH', `no pending share of epoch ${cert.epoch} matches the certificate`, ctx.deviceId);
    }
    if (commitmentsHash(cert.suite, quorumId, cert.epoch, next.frostPublic.commitments) !== cert.commitmentsHash) {
      throw new RampartError('LOCAL_SHARE_MISMATCH', 'the pending epoch is not the one the certificate commits to', ctx.deviceId);
    }
    getSuite(cert.suite).frost.validateSecret(pending, next.frostPublic);
    await ctx.writeShare(quorumId, cert.epoch, pending);
    ctx.commitEpoch(name, { ...next, certificateHash: hash }, cert, hash);
    await ctx.secrets.delete(secretNames.pending(quorumId, cert.epoch));
  } else {
    // Removed: no share of the new epoch; keep the chain for audit.
    ctx.state.atomically(() => {
      ctx.state.putCertificate(quorumId, cert.epoch, hash, cert);
      ctx.state.putQuorum(quorumId, name, cert.epoch, epochToJson({ ...current, epoch: cert.epoch, threshold: cert.threshold, roster: cert.roster.map((m) => ({ deviceId: m.deviceId, identifier: m.identifier })), certificateHash: hash }));
    });
  }
  if (await ctx.secrets.delete(secretNames.share(quorumId, current.epoch))) {
    ctx.log('share-deleted', `epoch ${current.epoch} share deleted after the epoch ${cert.epoch} certificate`, quorumId);
  }
  ctx.log('reshare-committed', `epoch ${current.epoch} → ${cert.epoch}: ${cert.threshold}-of-${cert.roster.length} (adopted after the fact)`, quorumId);
  return true;
}

/** Start-up reconciliation of every quorum with the relay's newest certificate. */
export async function reconcile(ctx: SessionContext): Promise<void> {
  for (const quorumId of ctx.state.listQuorumIds()) {
    try {
      const newest = await ctx.transport.getCertificate?.(quorumId);
      if (newest !== undefined && newest !== null) await adoptCertificate(ctx, quorumId, newest);
    } catch (e) {
      ctx.log('reconcile-failed', e instanceof Error ? e.message : 'reconciliation failed', quorumId);
    }
    await deleteLeftovers(ctx, quorumId);
  }
}
