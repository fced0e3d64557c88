/**
 * `window.rampart` in a browser (browser mode, `rampart device run --ui`;
 * DESIGN §2, §9): the RampartBridge over the daemon's token-guarded local RPC
 * (shared/rpc-protocol.ts), generated from the `commands` table of
 * shared/api.ts like the Node client (main/rpc/client.ts).
 *
 * - The token travels as a WebSocket subprotocol (`rampart-token.<hex>` next
 *   to `rampart.v1`), the one header a browser can set; the server checks it
 *   and the page's Origin.
 * - Params are checked before they leave, results and event payloads when
 *   they arrive; an error frame rejects the call with a RampartError carrying
 *   `{code, message, culprit}` (`name` 'RampartError').
 * - The connection comes back by itself (backoff with jitter, 0.25 s up to
 *   10 s); `rpc.state` and `rpc.subscribe` surface it. A call made while the
 *   connection is down waits up to `connectWaitMs` for it (and skips the
 *   backoff wait), then fails with DEVICE_UNAVAILABLE. A call already sent is
 *   never resent: if the connection drops before its answer, it fails with
 *   DEVICE_UNAVAILABLE ("it may still complete"). Events missed while
 *   disconnected are not replayed: refetch on the way back to 'open'.
 * - No saveBackupFile/openBackupFile: a browser saves with a download and
 *   opens with a file input.
 *
 * Browser-only and DOM-free apart from the global WebSocket, so it also runs
 * (and is tested) in Node with an injected socket.
 */
import { commands, events, type CommandName, type DeviceApi, type EventName } from '../../../shared/api.js';
import type { BridgeListener, RampartBridge } from '../../../shared/bridge.js';
import { RampartError } from '../../../shared/errors.js';
import { RPC_SUBPROTOCOL, RPC_TOKEN_PREFIX, answerCall, parseParams, rpcTokenSchema, serverFrameSchema } from '../../../shared/rpc-protocol.js';

/** The part of the browser WebSocket the bridge uses. */
export interface SocketLike {
  readonly readyState: number;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  send(data: string): void;
  close(code?: number): void;
}

/** The connection to the daemon: 'connecting', 'open', 'disconnected' (waiting to retry) or 'closed' (for good). */
export type RpcState = 'connecting' | 'open' | 'disconnected' | 'closed';

/** The RPC connection as the UI sees it. */
export interface RpcConnection {
  readonly state: RpcState;
  /** Calls `cb` with every new state; returns the unsubscribe function. */
  subscribe(cb: (state: RpcState) => void): () => void;
  /** Tries again now instead of waiting out the backoff (a "retry" button). */
  reconnect(): void;
}

/** window.rampart in browser mode. */
export interface BrowserBridge extends RampartBridge {
  readonly platform: 'browser';
  readonly rpc: RpcConnection;
  /** Closes the connection for good; waiting calls fail. */
  close(): void;
}

/** Options of createBrowserBridge. */
export interface BrowserBridgeOptions {
  /** The daemon's RPC, e.g. `ws://127.0.0.1:PORT/`. */
  url: string;
  /** The RPC token (64 lower-case hex). */
  token: string;
  /** Per-call timeout for quick commands; 30 s by default. */
  timeoutMs?: number;
  /** Per-call timeout for createQuorum, reshare and sign (they wait for other holders); 10 minutes by default. */
  longTimeoutMs?: number;
  /** How long a call waits for a connection that is down; 5 s by default. */
  connectWaitMs?: number;
  /** Backoff between reconnection attempts: first and largest delay (ms); 250 and 10 000 by default. */
  backoff?: { initialMs: number; maxMs: number };
  /** Opens a socket; the global WebSocket by default (tests inject one). */
  createSocket?: (url: string, protocols: string[]) => SocketLike;
}

/** Commands that wait for other holders (DESIGN §7). */
const LONG_COMMANDS: ReadonlySet<CommandName> = new Set(['createQuorum', 'reshare', 'sign']);
/** How long an opening handshake may take before it is abandoned and retried. */
const HANDSHAKE_MS = 10_000;
const OPEN = 1;

type Timer = ReturnType<typeof setTimeout>;
interface Pending {
  method: CommandName;
  frame: string;
  sent: boolean;
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  timer: Timer;
}

const unavailable = (message: string) => new RampartError('DEVICE_UNAVAILABLE', message);
const seconds = (ms: number) => (ms >= 1000 ? `${Math.round(ms / 1000)} s` : `${ms} ms`);

/** Runs `f`; a throwing listener is reported (as an uncaught error) without stopping the others. */
function isolated(f: () => void): void {
  try {
    f();
  } catch (e) {
    setTimeout(() => {
      throw e;
    });
  }
}

function defaultSocket(url: string, protocols: string[]): SocketLike {
  const WS = (globalThis as unknown as { WebSocket?: new (url: string, protocols: string[]) => SocketLike }).WebSocket;
  if (WS === undefined) throw unavailable('this browser has no WebSocket');
  return new WS(url, protocols);
}

/** Creates the bridge and starts connecting. */
export function createBrowserBridge(o: BrowserBridgeOptions): BrowserBridge {
  if (!rpcTokenSchema.safeParse(o.token).success) throw unavailable('the UI address carries no valid access token; open the address `rampart device run --ui` printed');
  const protocols = [RPC_SUBPROTOCOL, `${RPC_TOKEN_PREFIX}${o.token}`];
  const open = o.createSocket ?? defaultSocket;
  const backoff = o.backoff ?? { initialMs: 250, maxMs: 10_000 };
  const connectWaitMs = o.connectWaitMs ?? 5_000;
  const pending = new Map<number, Pending>();
  const listeners = new Set<BridgeListener>();
  const stateListeners = new Set<(s: RpcState) => void>();
  let socket: SocketLike | undefined;
  let state: RpcState = 'connecting';
  let attempt = 0;
  let retryTimer: Timer | undefined;
  let nextId = 1;

  const setState = (s: RpcState): void => {
    if (s === state) return;
    state = s;
    for (const cb of [...stateListeners]) isolated(() => cb(s));
  };
  const settle = (id: number): Pending | undefined => {
    const p = pending.get(id);
    if (p === undefined) return undefined;
    pending.delete(id);
    clearTimeout(p.timer);
    return p;
  };
  const transmit = (id: number, p: Pending): void => {
    try {
      socket!.send(p.frame);
    } catch {
      return; // the socket is closing: its close event fails or requeues the call
    }
    p.sent = true;
    clearTimeout(p.timer);
    const ms = LONG_COMMANDS.has(p.method) ? (o.longTimeoutMs ?? 600_000) : (o.timeoutMs ?? 30_000);
    p.timer = setTimeout(() => settle(id)?.reject(unavailable(`${p.method} got no answer from the device within ${seconds(ms)}; it may still complete`)), ms);
  };

  const onFrame = (data: unknown): void => {
    if (typeof data !== 'string') return;
    let frame;
    try {
      frame = serverFrameSchema.parse(JSON.parse(data));
    } catch {
      return; // not a frame of this protocol
    }
    if ('event' in frame) {
      if (!Object.hasOwn(events, frame.event)) return;
      const event = frame.event as EventName;
      const r = events[event].safeParse(frame.payload);
      if (!r.success) return;
      for (const l of [...listeners]) isolated(() => l(event, r.data as never));
    } else {
      answerCall(frame, settle);
    }
  };

  const scheduleRetry = (): void => {
    setState('disconnected');
    const base = Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.min(attempt, 30));
    attempt += 1;
    retryTimer = setTimeout(connect, base / 2 + Math.random() * (base / 2));
  };

  function connect(): void {
    if (state === 'closed') return;
    clearTimeout(retryTimer);
    retryTimer = undefined;
    setState('connecting');
    let ws: SocketLike;
    try {
      ws = open(o.url, protocols);
    } catch {
      return scheduleRetry();
    }
    socket = ws;
    const handshake = setTimeout(() => ws.close(), HANDSHAKE_MS);
    ws.onopen = () => {
      clearTimeout(handshake);
      if (socket !== ws) return;
      attempt = 0;
      setState('open');
      for (const [id, p] of pending) if (!p.sent) transmit(id, p);
    };
    ws.onmessage = (ev) => {
      if (socket === ws) onFrame(ev.data);
    };
    ws.onerror = () => undefined; // a close event follows
    ws.onclose = () => {
      clearTimeout(handshake);
      if (socket !== ws) return;
      socket = undefined;
      // Sent calls lost their answer; unsent ones keep waiting for the next connection.
      for (const [id, p] of pending) {
        if (p.sent) settle(id)?.reject(unavailable(`lost the connection to the device during ${p.method}; it may still complete`));
      }
      if (state !== 'closed') scheduleRetry();
    };
  }

  const call = (method: CommandName, params: unknown): Promise<unknown> =>
    new Promise((resolve, reject) => {
      let checked;
      try {
        checked = parseParams(method, params);
      } catch (e) {
        return reject(e as Error);
      }
      if (state === 'closed') return reject(unavailable('the connection to the device is closed'));
      const id = nextId++;
      const timer = setTimeout(
        () => settle(id)?.reject(unavailable(`cannot reach the device (no connection within ${seconds(connectWaitMs)}); is \`rampart device run --ui\` still running?`)),
        connectWaitMs,
      );
      const p: Pending = { method, frame: JSON.stringify({ id, method, params: checked }), sent: false, resolve, reject, timer };
      pending.set(id, p);
      if (state === 'open' && socket?.readyState === OPEN) transmit(id, p);
      else if (state === 'disconnected') connect();
    });

  const api = Object.fromEntries((Object.keys(commands) as CommandName[]).map((m) => [m, (p: unknown) => call(m, p)])) as DeviceApi;
  const rpc: RpcConnection = {
    get state() {
      return state;
    },
    subscribe(cb) {
      stateListeners.add(cb);
      return () => void stateListeners.delete(cb);
    },
    reconnect() {
      if (state === 'disconnected') connect();
    },
  };
  const bridge: BrowserBridge = {
    ...api,
    platform: 'browser',
    rpc,
    on(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    close() {
      if (state === 'closed') return;
      setState('closed');
      clearTimeout(retryTimer);
      const ws = socket;
      socket = undefined;
      ws?.close(1000);
      for (const id of [...pending.keys()]) settle(id)?.reject(unavailable('the connection to the device was closed'));
    },
  };
  connect();
  return Object.freeze(bridge);
}
