/** Members with their names and fingerprints (the value holders compare out of band). */
import type { MemberLine } from '../lib/request-view.js';

interface Props {
  members: readonly MemberLine[];
  testId?: string;
  /** Marks this device in the list. */
  selfId?: string;
}

export function MemberList({ members, testId, selfId }: Props) {
  if (members.length === 0) return <p className="hint">None</p>;
  return (
    <ul className="members" data-testid={testId}>
      {members.map((m) => (
        <li key={m.deviceId} data-testid="member" data-device-id={m.deviceId}>
          <span className="member-name">{m.name}</span>
          {m.deviceId === selfId && <> <span className="badge">this device</span></>}{' '}
          <span className="fingerprint" title={`device ${m.deviceId}`}>
            {m.fingerprint === '' ? 'fingerprint unknown' : m.fingerprint}
          </span>
        </li>
      ))}
    </ul>
  );
}
