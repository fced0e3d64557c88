/**
 * The renderer's shell: waits for `window.rampart`, then navigation between
 * the screens (hash links, keyboard reachable) and app-wide banners (relay
 * disconnected, requests waiting, fresh backup needed).
 *
 * Stable hooks for the Playwright test (data-testid unless noted):
 * - shell: app, not-connected, status-error, link-lost [data-state] (browser mode; button "Retry now"), nav-<screen> (device|quorums|requests|sessions|backups|log|settings),
 *   nav-requests-count, connection-indicator [data-connected], requests-banner, fresh-backup-banner
 * - device: screen-device, device-name, device-fingerprint, device-id, relay-url, connection [data-connected],
 *   keystore, device-card (textarea "Device card"), copy-card (button "Copy card")
 * - quorums: screen-quorums, no-quorums, new-quorum-form (button "New quorum"; fields "Quorum name", "Suite",
 *   "Threshold (signers needed)", "Member cards (one per line)"; button "Create quorum"), card-preview,
 *   quorum [data-quorum-id, data-epoch] with quorum-suite, quorum-threshold, quorum-epoch, group-key,
 *   share-state [data-share], last-reshare, quorum-members > member [data-device-id], quorum-backup [data-obsolete],
 *   quorum-no-backups; buttons "Refresh shares", "Restructure", "Sign";
 *   restructure-form (fields "New threshold", "Cards to add (one per line)", checkboxes "Remove <name>…";
 *   button "Propose restructure"); sign-form (fields "Message (hex)", "Description"; button "Request signature");
 *   operation [data-state=pending|done|failed] with operation-result or error
 * - requests: screen-requests, no-requests, request [data-kind=dkg|reshare|sign, data-operation=refresh|restructure|dkg|sign,
 *   data-request-id, data-session-id] with request-summary, request-initiator, session-code, request-epoch,
 *   request-change, request-approvals, request-countdown [data-expired], request-members, request-added,
 *   request-removed, request-message, request-message-description, request-message-hex, request-decided [data-decision];
 *   buttons "Approve", "Reject", then field "Reason (optional)" and button "Confirm rejection"
 * - sessions: screen-sessions, no-sessions, session [data-session-id, data-kind, data-phase] with session-phase,
 *   session-acked, session-missing, session-end ("Committed: epoch N" | "Signed at epoch N" | "Aborted: …" | "Expired: …"),
 *   session-entry [data-type]; button "Withdraw"
 * - backups: screen-backups, fresh-backup-cta [data-quorum-id] (button "Make a fresh backup"), export-form (fields
 *   "Quorum", "Passphrase", "Repeat passphrase"; strength-meter, strength-score [data-score], strength-warning,
 *   strength-suggestions, export-blocker; button "Export backup"), export-result, backup-download (link);
 *   import-form (field "Backup file" or button "Choose backup file…", field "Backup passphrase", button "Import backup"),
 *   import-result [data-basis], import-outcome [data-severity=blocked|warning|error] with import-message,
 *   checkbox "I understand; restore anyway", button "Restore anyway"; backups-table > backup-row [data-obsolete, data-epoch]
 * - log: screen-log, button "Verify log", verify-result [data-ok], verify-broken [data-seq], verify-quorum, log-table > log-entry [data-type, data-seq]
 * - settings: screen-settings, settings-relay-url, checkbox "Desktop notifications for new requests", notification-permission
 * - errors everywhere: error [data-code] (role="alert") with error-message, error-culprit
 */
import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import type { RampartBridge } from '../../shared/bridge.js';
import { waitForBridge } from './bridge.js';
import { ErrorBox } from './components/ErrorBox.js';
import { useDeviceLink } from './hooks/useDeviceLink.js';
import { useEvents } from './hooks/useEvents.js';
import { useNotifications } from './hooks/useNotifications.js';
import { useOperations } from './hooks/useOperations.js';
import { useRequests } from './hooks/useRequests.js';
import { SCREENS, useRoute, type Screen } from './hooks/useRoute.js';
import { useSessions } from './hooks/useSessions.js';
import { useStatus } from './hooks/useStatus.js';
import { quorumsNeedingFreshBackup } from './lib/backups.js';
import { BackupsScreen } from './screens/BackupsScreen.js';
import { DeviceScreen } from './screens/DeviceScreen.js';
import { LogScreen } from './screens/LogScreen.js';
import { QuorumsScreen } from './screens/QuorumsScreen.js';
import { RequestsScreen } from './screens/RequestsScreen.js';
import { SessionsScreen } from './screens/SessionsScreen.js';
import { SettingsScreen } from './screens/SettingsScreen.js';

const LABELS: Record<Screen, string> = {
  device: 'Device',
  quorums: 'Quorums',
  requests: 'Requests',
  sessions: 'Sessions',
  backups: 'Backups',
  log: 'Log',
  settings: 'Settings',
};

/** Waits for `window.rampart`; shows "not connected" if it never comes. */
export function Root() {
  const [bridge, setBridge] = useState<RampartBridge | null | 'waiting'>('waiting');
  useEffect(() => {
    void waitForBridge().then(setBridge);
  }, []);
  if (bridge === 'waiting') return <p className="loading">Connecting to the device…</p>;
  if (bridge === null) return <NotConnected />;
  return <App bridge={bridge} />;
}

function NotConnected() {
  return (
    <main className="not-connected" data-testid="not-connected">
      <h1>Not connected to a Rampart device</h1>
      <p>This page talks only to the Rampart device service, and none is available here.</p>
      <ul>
        <li>In the desktop app, restart Rampart.</li>
        <li>
          In a browser, open the address printed by <code>rampart device run --ui</code> (it carries the access token), not this file directly.
        </li>
      </ul>
      <button type="button" onClick={() => window.location.reload()}>
        Try again
      </button>
    </main>
  );
}

export function App({ bridge }: { bridge: RampartBridge }) {
  const [screen] = useRoute();
  const { status, error: statusError, refresh } = useStatus(bridge);
  const notifications = useNotifications();
  const requests = useRequests(bridge, notifications.notify);
  const link = useDeviceLink(bridge);
  const sessions = useSessions(bridge, link.version);
  const ops = useOperations();
  const [obsoleteNotices, setObsoleteNotices] = useState<ReadonlyMap<string, string>>(new Map());
  const [backupQuorum, setBackupQuorum] = useState<string | null>(null);
  const firstRender = useRef(true);

  useEvents(bridge, { backupsObsolete: (p) => setObsoleteNotices((m) => new Map(m).set(p.quorumId, p.message)) });

  // Browser mode: events missed while the link to the daemon was down are not replayed; refetch.
  const refreshRequests = requests.refresh;
  useEffect(() => {
    if (link.version === 0) return;
    refresh();
    refreshRequests();
  }, [link.version, refresh, refreshRequests]);

  // Move focus to the new screen's heading, so keyboard and screen-reader users land on it.
  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    document.querySelector<HTMLElement>('main h1')?.focus();
  }, [screen]);

  const nameOf = useCallback(
    (deviceId: string): string | undefined => {
      if (status === null) return undefined;
      if (deviceId === status.device.deviceId) return `${status.device.name} (this device)`;
      for (const q of status.quorums) for (const m of q.members) if (m.deviceId === deviceId) return m.name;
      return undefined;
    },
    [status],
  );
  const quorumName = useCallback((quorumId: string) => status?.quorums.find((q) => q.quorumId === quorumId)?.name, [status]);

  const needFresh = status === null ? [] : quorumsNeedingFreshBackup(status.quorums);
  const pending = requests.requests.length;

  const body = (): ReactNode => {
    if (status === null) {
      if (statusError === null) return <p className="loading">Loading…</p>;
      return (
        <div data-testid="status-error">
          <ErrorBox error={statusError} title="The device service did not answer" />
          <button type="button" onClick={refresh}>
            Retry
          </button>
        </div>
      );
    }
    switch (screen) {
      case 'device':
        return <DeviceScreen bridge={bridge} status={status} />;
      case 'quorums':
        return <QuorumsScreen bridge={bridge} status={status} ops={ops} nameOf={nameOf} />;
      case 'requests':
        return <RequestsScreen bridge={bridge} requests={requests} selfId={status.device.deviceId} />;
      case 'sessions':
        return <SessionsScreen bridge={bridge} sessions={sessions} nameOf={nameOf} quorumName={quorumName} />;
      case 'backups':
        return <BackupsScreen key={backupQuorum ?? ''} bridge={bridge} status={status} obsoleteNotices={obsoleteNotices} focusQuorumId={backupQuorum} refresh={refresh} quorumName={quorumName} />;
      case 'log':
        return <LogScreen key={link.version} bridge={bridge} quorumName={quorumName} />;
      case 'settings':
        return <SettingsScreen status={status} notifications={notifications} platform={bridge.platform} />;
    }
  };

  return (
    <div className="app" data-testid="app">
      <a className="skip" href="#main" onClick={(e) => {
        e.preventDefault();
        document.getElementById('main')?.focus();
      }}>
        Skip to content
      </a>
      <header className="top">
        <span className="brand">Rampart</span>
        {status !== null && (
          <>
            <span className="device-label">{status.device.name}</span>
            <span className={status.device.connected ? 'pill ok' : 'pill bad'} data-testid="connection-indicator" data-connected={String(status.device.connected)} role="status">
              {status.device.connected ? 'Relay connected' : 'Relay disconnected'}
            </span>
          </>
        )}
      </header>
      <nav aria-label="Screens" className="nav">
        <ul>
          {SCREENS.map((s) => (
            <li key={s}>
              <a href={`#${s}`} aria-current={s === screen ? 'page' : undefined} data-testid={`nav-${s}`}>
                {LABELS[s]}
                {s === 'requests' && pending > 0 && (
                  <span className="count" data-testid="nav-requests-count">
                    {' '}
                    {pending}
                  </span>
                )}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" tabIndex={-1}>
        {link.state !== 'open' && link.state !== 'connecting' && (
          <div className="error" role="alert" data-testid="link-lost" data-state={link.state}>
            {link.state === 'closed' ? 'The connection to the device service was closed. Reload this page with the address the device printed.' : 'Lost the connection to the device service; reconnecting…'}{' '}
            {link.state === 'disconnected' && link.reconnect !== null && (
              <button type="button" onClick={link.reconnect}>
                Retry now
              </button>
            )}
          </div>
        )}
        {screen !== 'requests' && pending > 0 && (
          <div className="banner" role="status" data-testid="requests-banner">
            {pending === 1 ? 'A request awaits' : `${pending} requests await`} your decision. <a href="#requests">Review requests</a>
          </div>
        )}
        {screen !== 'backups' && needFresh.length > 0 && (
          <div className="banner cta" role="status" data-testid="fresh-backup-banner">
            {needFresh.map((n) => n.name).join(', ')} {needFresh.length === 1 ? 'was' : 'were'} reshared: your backups are obsolete.{' '}
            <a href="#backups" onClick={() => setBackupQuorum(needFresh[0]!.quorumId)}>
              Make a fresh backup
            </a>
          </div>
        )}
        {body()}
      </main>
    </div>
  );
}
