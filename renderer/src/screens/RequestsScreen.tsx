/** Screen 3: requests awaiting this holder's decision — reshares, new quorums and signatures. */
import type { RampartBridge } from '../../../shared/bridge.js';
import { ErrorBox } from '../components/ErrorBox.js';
import { useNow } from '../hooks/useNow.js';
import type { RequestsState } from '../hooks/useRequests.js';
import { RequestCard } from './RequestCard.js';

interface Props {
  bridge: RampartBridge;
  requests: RequestsState;
  selfId: string;
}

export function RequestsScreen({ bridge, requests, selfId }: Props) {
  const now = useNow(1000);
  const sorted = [...requests.requests].sort((a, b) => a.expiresAt - b.expiresAt);
  return (
    <section aria-labelledby="requests-heading" data-testid="screen-requests">
      <h1 id="requests-heading" tabIndex={-1}>
        Requests
      </h1>
      {requests.error !== null && <ErrorBox error={requests.error} title="Could not load requests" />}
      {sorted.length === 0 ? (
        <p data-testid="no-requests">Nothing awaits your decision.</p>
      ) : (
        sorted.map((r) => <RequestCard key={r.id} bridge={bridge} request={r} now={now} selfId={selfId} />)
      )}
    </section>
  );
}
