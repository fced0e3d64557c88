/**
 * The desktop app's device host: every call reaches the current device, and a
 * restore that replaces the identity restarts the device on the same home
 * without losing event subscriptions (as the daemon does).
 */
import { describe, expect, test } from 'vitest';
import { hostDevice, type HostedDevice } from '../../main/electron/device-host.js';
import type { DeviceService } from '../../main/device/service.js';
import { device } from './fixtures.js';

describe('device host', () => {
  test('serves the running device, restarts it after an identity-replacing restore, keeps listeners, stops it', async () => {
    const started: string[] = [];
    const services: DeviceService[] = [];
    const stopped: string[] = [];
    let identityReplaced = true;
    const start = async (): Promise<HostedDevice> => {
      const svc = device(`d${started.length}`);
      started.push(svc.deviceId);
      services.push(svc);
      svc.importBackup = async () => ({ quorumId: '00'.repeat(16), epoch: 0, deviceId: svc.deviceId, basis: 'current', identityReplaced, message: 'restored' });
      return {
        service: svc,
        stop: async () => {
          svc.stop();
          stopped.push(svc.deviceId);
        },
      };
    };
    const host = await hostDevice(start);
    const events: string[] = [];
    host.on((event) => events.push(event));

    const first = (await host.api.status({})).device.deviceId;
    expect(first).toBe(started[0]);
    await host.api.importBackup({ text: '{}', passphrase: 'x' });
    expect(started).toHaveLength(2);
    expect(stopped).toEqual([first]);
    expect((await host.api.status({})).device.deviceId).toBe(started[1]);
    services[0]!.connectionChanged(true);
    expect(events).toEqual([]);
    services[1]!.connectionChanged(true);
    expect(events).toEqual(['connectionChanged']);

    identityReplaced = false;
    await host.api.importBackup({ text: '{}', passphrase: 'x' });
    expect(started).toHaveLength(2);

    await host.api.updateSettings({ notifications: true });
    expect((await host.api.settings({})).notifications).toBe(true);
    await host.stop();
    expect(stopped).toEqual([first, started[1]]);
  });
});
