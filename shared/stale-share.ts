/**
 * Stale-share diagnosis (DESIGN §6; issue "backups that can never bring back
 * a dead epoch"): a device whose share is from an epoch before the quorum's
 * current one can never sign or deal again. Whichever side notices — the
 * stale device itself, or a member that receives its proposal — refuses with
 * one message that names the device, both epochs and what the holder must
 * do. The message travels as the `reason` of a sign/reshare rejection,
 * prefixed with the code and the stale device, so the proposer can end the
 * session at once (SHARE_STALE) instead of waiting for it to expire.
 */

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

/**
 * Which of two devices that disagree on the epoch holds the stale share: the one behind.
 * `local` is the device deciding, `remote` the sender of the proposal it received.
 */
export function staleSide(local: { deviceId: string; epoch: number }, remote: { deviceId: string; name?: string | undefined; epoch: number }): StaleShare {
  return remote.epoch < local.epoch
    ? { deviceId: remote.deviceId, ...(remote.name === undefined ? {} : { name: remote.name }), deviceEpoch: remote.epoch, quorumEpoch: local.epoch }
    : { deviceId: local.deviceId, deviceEpoch: local.epoch, quorumEpoch: remote.epoch };
}

/** A rejection reason carrying the report: `SHARE_STALE(<deviceId>): <message>`. */
export function staleShareReason(s: StaleShare): string {
  return `SHARE_STALE(${s.deviceId}): ${staleShareMessage(s)}`;
}

const STALE_REASON = /^SHARE_STALE\(([0-9a-f]{32})\): /;

/** The stale device and the message of a stale-share rejection reason, or undefined for any other reason. */
export function staleShareFromReason(reason: string): { deviceId: string; message: string } | undefined {
  const m = STALE_REASON.exec(reason);
  return m === null ? undefined : { deviceId: m[1] as string, message: reason.slice(m[0].length) };
}
