/** Screen 1: this device — name, fingerprint, relay and connection, keystore, and its card to share. */
import { useEffect, useState } from 'react';
import type { Status } from '../../../shared/api.js';
import type { RampartBridge } from '../../../shared/bridge.js';
import { CopyButton } from '../components/CopyButton.js';
import { ErrorBox } from '../components/ErrorBox.js';
import { toUiError, type UiError } from '../lib/errors.js';

interface Props {
  bridge: RampartBridge;
  status: Status;
}

const KEYSTORE_LABELS: Record<Status['device']['keystore'], string> = {
  os: 'OS keychain',
  file: 'Encrypted file (passphrase)',
};

export function DeviceScreen({ bridge, status }: Props) {
  const d = status.device;
  const [card, setCard] = useState<string | null>(null);
  const [error, setError] = useState<UiError | null>(null);

  useEffect(() => {
    bridge.card({}).then(
      (c) => setCard(c.card),
      (e: unknown) => setError(toUiError(e)),
    );
  }, [bridge]);

  return (
    <section aria-labelledby="device-heading" data-testid="screen-device">
      <h1 id="device-heading" tabIndex={-1}>
        This device
      </h1>
      <dl className="facts">
        <dt>Name</dt>
        <dd data-testid="device-name">{d.name}</dd>
        <dt>Fingerprint</dt>
        <dd className="fingerprint" data-testid="device-fingerprint">
          {d.fingerprint}
        </dd>
        <dt>Device ID</dt>
        <dd>
          <code data-testid="device-id">{d.deviceId}</code>
        </dd>
        <dt>Relay</dt>
        <dd>
          <code data-testid="relay-url">{d.relay}</code>{' '}
          <span className={d.connected ? 'pill ok' : 'pill bad'} data-testid="connection" data-connected={String(d.connected)}>
            {d.connected ? 'Connected' : 'Disconnected'}
          </span>
        </dd>
        <dt>Keystore</dt>
        <dd data-testid="keystore">{KEYSTORE_LABELS[d.keystore]}</dd>
      </dl>

      <h2>Your device card</h2>
      <p className="hint">Give this card to whoever creates a quorum or adds you to one. They paste it; compare the fingerprint above with theirs.</p>
      {error !== null && <ErrorBox error={error} title="Could not read the card" />}
      {card !== null && (
        <div className="card-box">
          <label htmlFor="device-card">Device card</label>
          <textarea id="device-card" data-testid="device-card" readOnly rows={3} value={card} onFocus={(e) => e.currentTarget.select()} />
          <CopyButton value={card} label="Copy card" testId="copy-card" />
        </div>
      )}
    </section>
  );
}
