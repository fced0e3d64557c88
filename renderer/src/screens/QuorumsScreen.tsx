/** Screen 2: quorums, their members, epochs and backups; create, refresh, restructure and sign. */
import { useState } from 'react';
import type { CommandParams, Status } from '../../../shared/api.js';
import type { RampartBridge } from '../../../shared/bridge.js';
import type { OperationsState } from '../hooks/useOperations.js';
import { thresholdLabel } from '../lib/request-view.js';
import { shortHex } from '../lib/time.js';
import { NewQuorumForm } from './quorums/NewQuorumForm.js';
import { OperationsList } from './quorums/OperationsList.js';
import { QuorumPanel } from './quorums/QuorumPanel.js';

interface Props {
  bridge: RampartBridge;
  status: Status;
  ops: OperationsState;
  nameOf: (deviceId: string) => string | undefined;
}

export function QuorumsScreen({ bridge, status, ops, nameOf }: Props) {
  const [creating, setCreating] = useState(false);

  const create = (p: CommandParams<'createQuorum'>): void => {
    setCreating(false);
    ops.run(`Create quorum ${p.name}`, null, () => bridge.createQuorum(p), (r) => ({
      line: `Created: ${thresholdLabel(r.threshold, p.members.length + 1)} ${r.suite}, epoch ${r.epoch}, group key ${shortHex(r.groupPublicKey, 12, 6)}`,
    }));
  };
  const reshare = (p: CommandParams<'reshare'>, label: string): void =>
    ops.run(label, p.quorumId, () => bridge.reshare(p), (r) => ({ line: `Committed: epoch ${r.epoch}, threshold ${r.threshold}; group key unchanged (${shortHex(r.groupPublicKey, 12, 6)})` }));
  const sign = (p: CommandParams<'sign'>): void =>
    ops.run(`Sign${p.description ? ` “${p.description}”` : ''}`, p.quorumId, () => bridge.sign(p), (r) => ({ line: `Signed at epoch ${r.epoch}: ${shortHex(r.signature, 16, 8)}`, copy: r.signature }));

  return (
    <section aria-labelledby="quorums-heading" data-testid="screen-quorums">
      <h1 id="quorums-heading" tabIndex={-1}>
        Quorums
      </h1>
      <OperationsList operations={ops.operations} dismiss={ops.dismiss} nameOf={nameOf} />
      {creating ? (
        <NewQuorumForm onSubmit={create} onCancel={() => setCreating(false)} />
      ) : (
        <p>
          <button type="button" className="primary" onClick={() => setCreating(true)}>
            New quorum
          </button>
        </p>
      )}
      {status.quorums.length === 0 && <p data-testid="no-quorums">This device is not in any quorum yet.</p>}
      {status.quorums.map((q) => (
        <QuorumPanel key={q.quorumId} quorum={q} selfId={status.device.deviceId} onReshare={reshare} onSign={sign} />
      ))}
    </section>
  );
}
