/**
 * The device-home side of backups (DESIGN §6): what a restore needs beyond
 * the DeviceService — adopting a restored identity in the home (keystore and
 * `device.json`), and asking the relay for a quorum's newest certificate as
 * the backed-up device (the relay answers only members of the quorum's chain).
 */
import { concatBytes } from '../../shared/bytes.js';
import { deviceIdOf, identityKeyOf, type DeviceSecretKeys } from '../../shared/identity.js';
import { writeFileAtomic } from '../keystore/atomic.js';
import { RelayClient } from '../relay/client.js';
import type { DeviceFile, DeviceHome } from './home.js';

/** The keystore name of the device identity (main/device/home.ts). */
const IDENTITY = 'device/identity';

/**
 * Makes `keys` the identity of the device home: the keystore entry, then
 * `device.json` (deviceId), each written atomically. The DeviceService that
 * restored them must be restarted to use them (the daemon does so).
 */
export async function replaceHomeIdentity(home: DeviceHome, keys: DeviceSecretKeys): Promise<DeviceFile> {
  const deviceId = deviceIdOf(identityKeyOf(keys.signingKey));
  const raw = concatBytes(keys.signingKey.expose(), keys.hpkeKey.expose());
  try {
    await home.keystore.set(IDENTITY, raw);
  } finally {
    raw.fill(0);
  }
  const config: DeviceFile = { ...home.config, deviceId };
  await writeFileAtomic(home.dir, 'device.json', new TextEncoder().encode(JSON.stringify(config, null, 2) + '\n'));
  return config;
}

/**
 * A `certificateFor` (main/device/backups.ts) over the relay at `url`: the device's own running
 * client when the identity is its own, else a short-lived connection authenticated as `identity`
 * that only asks (it installs no envelope handler, so nothing waiting in that device's mailbox is
 * taken or acknowledged). Rejects with RELAY_UNAVAILABLE when the relay cannot be reached in time.
 */
export function relayCertificateLookup(
  url: string,
  own?: { deviceId: string; client: RelayClient },
  timeoutMs = 4_000,
): (quorumId: string, identity: DeviceSecretKeys) => Promise<unknown> {
  return async (quorumId, identity) => {
    if (own !== undefined && deviceIdOf(identityKeyOf(identity.signingKey)) === own.deviceId) {
      return own.client.getCertificate(quorumId, { timeoutMs });
    }
    const client = new RelayClient({ url, identity, onError: () => undefined });
    client.start();
    try {
      await client.waitConnected({ timeoutMs });
      return await client.getCertificate(quorumId, { timeoutMs });
    } finally {
      await client.stop();
    }
  };
}
