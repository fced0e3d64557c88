/**
 * Stale-share diagnosis (DESIGN §6; issue "backups that can never bring back
 * a dead epoch"): a device whose share is from an epoch before the quorum's
 * current one can never sign or deal again. Whichever side notices — the
 * stale device itself, or a member that receives its proposal — refuses with
 * one message that names the device, both epochs and what the holder must
 * do. The message travels as the `reason` of a sign/reshare rejection,
 * prefixed with the code, so the proposer can end the session at once
 * (SHARE_STALE) instead of waiting for it to expire.
 */

/** Prefix of a rejection reason that reports a stale share. */
export const STALE_PREFIX = 'SHARE_STALE: ';

/** Who holds the stale share, and the epochs involved. */
export interface StaleShare {
  deviceId: string;
  /** The device's name, where the reporter knows it. */
  name?: string;
  /** The epoch of the share the device holds. */
  deviceEpoch: number;
  /** The quorum's current epoch, as the reporter knows it. */
  quorumEpoch: number;
}

/** The holder-facing explanation (one line). */
export function staleShareMessage(s: StaleShare): string {
  const who = s.name !== undefined && s.name !== '' ? `${s.name} (${s.deviceId})` : s.deviceId;
  return (
    `device ${who} holds a share of epoch ${s.deviceEpoch}, but the quorum is at epoch ${s.quorumEpoch}: ` +
    `that share can never sign or reshare again. Its holder should restore a backup made at epoch ${s.quorumEpoch} ` +
    `(rampart backup import), or the other holders remove this device with a reshare (--remove) and add a freshly initialised one.`
  );
}

/** A rejection reason carrying the stale-share report. */
export function staleShareReason(s: StaleShare): string {
  return STALE_PREFIX + staleShareMessage(s);
}

/** The message of a stale-share rejection reason, or undefined for any other reason. */
export function staleShareFromReason(reason: string): string | undefined {
  return reason.startsWith(STALE_PREFIX) ? reason.slice(STALE_PREFIX.length) : undefined;
}
