/**
 * Browser mode's link to the device daemon (renderer/src/platform: `rampart.rpc`).
 * Events missed while it was down are not replayed, so every reopening bumps
 * `version` and the app refetches. Electron has no such link: always 'open'.
 */
import { useEffect, useState } from 'react';
import type { RampartBridge } from '../../../shared/bridge.js';
import type { RpcConnection, RpcState } from '../platform/browser-bridge.js';

export interface DeviceLink {
  state: RpcState;
  /** Increments each time the link reopens after being down. */
  version: number;
  reconnect: (() => void) | null;
}

function rpcOf(bridge: RampartBridge): RpcConnection | null {
  const rpc = (bridge as { rpc?: Partial<RpcConnection> }).rpc;
  return rpc !== undefined && typeof rpc.subscribe === 'function' && typeof rpc.reconnect === 'function' ? (rpc as RpcConnection) : null;
}

export function useDeviceLink(bridge: RampartBridge): DeviceLink {
  const rpc = rpcOf(bridge);
  const [state, setState] = useState<RpcState>(rpc?.state ?? 'open');
  const [version, setVersion] = useState(0);
  useEffect(() => {
    if (rpc === null) return;
    let last = rpc.state;
    setState(last);
    return rpc.subscribe((next) => {
      if (next === 'open' && last !== 'open') setVersion((v) => v + 1);
      last = next;
      setState(next);
    });
  }, [rpc]);
  return { state, version, reconnect: rpc === null ? null : () => rpc.reconnect() };
}
