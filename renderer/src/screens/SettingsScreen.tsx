/** Screen 7: settings — the relay URL, and desktop notifications for new requests. */
import type { Status } from '../../../shared/api.js';
import type { NotificationsState } from '../hooks/useNotifications.js';

interface Props {
  status: Status;
  notifications: NotificationsState;
  platform: 'electron' | 'browser';
}

const PERMISSION_TEXT: Record<NotificationsState['permission'], string> = {
  granted: 'Notifications are permitted.',
  denied: 'Notifications are blocked for this app; allow them in your system or browser settings.',
  default: 'You will be asked to permit notifications.',
  unsupported: 'This platform has no desktop notifications.',
};

export function SettingsScreen({ status, notifications: n, platform }: Props) {
  return (
    <section aria-labelledby="settings-heading" data-testid="screen-settings">
      <h1 id="settings-heading" tabIndex={-1}>
        Settings
      </h1>
      <dl className="facts">
        <dt>Relay URL</dt>
        <dd>
          <code data-testid="settings-relay-url">{status.device.relay}</code>
        </dd>
        <dt>Running as</dt>
        <dd>{platform === 'electron' ? 'Desktop app' : 'Browser (local device service)'}</dd>
      </dl>
      <div className="check">
        <input id="set-notify" type="checkbox" checked={n.enabled} onChange={(e) => n.setEnabled(e.target.checked)} disabled={n.permission === 'unsupported'} aria-describedby="set-notify-hint" />
        <label htmlFor="set-notify">Desktop notifications for new requests</label>
      </div>
      <p id="set-notify-hint" className="hint" data-testid="notification-permission" data-permission={n.permission}>
        {PERMISSION_TEXT[n.permission]}
      </p>
    </section>
  );
}
