/** Pasted cards preview with name and fingerprint before a quorum is proposed (renderer/src/lib/card-preview.ts). */
import { describe, expect, test } from 'vitest';
import { encodeCard } from '../../shared/card.js';
import { deviceFingerprint } from '../../shared/fingerprint.js';
import { devicePublicKeys, generateDeviceKeys } from '../../shared/identity.js';
import { previewCards } from '../../renderer/src/lib/card-preview.js';

describe('previewCards', () => {
  test('each line becomes its name and fingerprint, or why it is invalid', async () => {
    const keys = devicePublicKeys(generateDeviceKeys());
    const card = encodeCard({ name: 'bob', ...keys });
    const [good, bad] = await previewCards(`${card}\n\n${card.slice(0, -2)}\n${card}\n`);
    expect(good).toMatchObject({ ok: true, name: 'bob', fingerprint: deviceFingerprint(keys.identityKey) });
    expect(bad).toMatchObject({ ok: false, error: expect.stringMatching(/not a valid device card/) });
    expect(await previewCards('  \n')).toEqual([]);
  });
});
