/**
 * The local RPC client (DESIGN §2): a DeviceApi over the daemon's WebSocket,
 * generated from the `commands` table. Params are checked before they leave,
 * results and events when they arrive; error frames come back as RampartError
 * with their `code` and `culprit`.
 */
import WebSocket, { type RawData } from 'ws';
import { commands, events, type CommandName, type DeviceApi, type EventName, type EventPayload } from '../../shared/api.js';
import { RampartError } from '../../shared/errors.js';
import { RPC_SUBPROTOCOL, RPC_TOKEN_PREFIX, answerCall, parseParams, serverFrameSchema } from '../../shared/rpc-protocol.js';
import { notRunning, readRpcInfo } from './info.js';

/** Commands that wait for other holders (DESIGN §7: they print once the quorum completes). */
const LONG_COMMANDS: ReadonlySet<CommandName> = new Set(['createQuorum', 'reshare', 'sign']);
/** Responses may be larger than requests (a long log). */
const MAX_INCOMING_BYTES = 64 * 1024 * 1024;

/** Client options. */
export interface RpcClientOptions {
  /** Per-call timeout in ms for quick commands; 30 s by default. */
  timeoutMs?: number;
  /** Per-call timeout in ms for createQuorum, reshare and sign; 10 minutes by default. */
  longTimeoutMs?: number;
  /** Connection (handshake) timeout in ms; 10 s by default. */
  connectTimeoutMs?: number;
}

/** A connected client: the device API, its events, and close. */
export type RpcClient = DeviceApi & {
  /** Subscribes to one event; returns the unsubscribe function. */
  on<E extends EventName>(event: E, cb: (payload: EventPayload<E>) => void): () => void;
  /** Closes the connection; calls still waiting fail. */
  close(): Promise<void>;
};

type Pending = { method: CommandName; resolve: (v: unknown) => void; reject: (e: Error) => void; timer: NodeJS.Timeout };

function open(url: string, token: string, where: string, isHome: boolean, ms: number): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, [RPC_SUBPROTOCOL, `${RPC_TOKEN_PREFIX}${token}`], { perMessageDeflate: false, maxPayload: MAX_INCOMING_BYTES, handshakeTimeout: ms });
    ws.once('open', () => resolve(ws));
    ws.once('error', (e: NodeJS.ErrnoException) => {
      const status = /Unexpected server response: (\d+)/.exec(e.message)?.[1];
      if (status === '401') reject(new RampartError('DEVICE_UNAVAILABLE', `the device at ${where} refused the RPC token (is rpc.json stale?)`));
      else if (status !== undefined) reject(new RampartError('DEVICE_UNAVAILABLE', `the device at ${where} refused the connection (HTTP ${status})`));
      else if (isHome && (e.code === 'ECONNREFUSED' || e.code === 'ECONNRESET')) reject(notRunning(where));
      else reject(new RampartError('DEVICE_UNAVAILABLE', `cannot reach the device at ${where}: ${e.message}`));
    });
  });
}

/** Connects to the daemon of a device home (via its rpc.json) or to an explicit url and token. */
export async function connectRpc(target: string | { url: string; token: string }, opts: RpcClientOptions = {}): Promise<RpcClient> {
  const isHome = typeof target === 'string';
  const where = isHome ? target : target.url;
  const { url, token } = isHome ? await readRpcInfo(target).then((i) => ({ url: `ws://127.0.0.1:${i.port}`, token: i.token })) : target;
  const ws = await open(url, token, where, isHome, opts.connectTimeoutMs ?? 10_000);
  const pending = new Map<number, Pending>();
  const listeners = new Map<EventName, Set<(payload: never) => void>>();
  let nextId = 1;

  const settle = (id: number): Pending | undefined => {
    const p = pending.get(id);
    if (p === undefined) return undefined;
    pending.delete(id);
    clearTimeout(p.timer);
    return p;
  };
  const onFrame = (data: RawData): void => {
    let frame;
    try {
      frame = serverFrameSchema.parse(JSON.parse(String(data)));
    } catch {
      return; // not a frame of this protocol: ignore
    }
    if ('event' in frame) {
      if (!Object.hasOwn(events, frame.event)) return;
      const r = events[frame.event as EventName].safeParse(frame.payload);
      if (!r.success) return;
      for (const cb of listeners.get(frame.event as EventName) ?? []) {
        try {
          cb(r.data as never);
        } catch {
          // a listener's failure is its own
        }
      }
    } else {
      answerCall(frame, settle);
    }
  };
  ws.on('message', onFrame);
  ws.on('error', () => undefined);
  ws.on('close', () => {
    for (const [id, p] of pending) {
      settle(id);
      p.reject(new RampartError('DEVICE_UNAVAILABLE', `lost the connection to the device at ${where} during ${p.method}; it may still complete (check \`rampart status\`)`));
    }
  });

  const call = (method: CommandName, params: unknown): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const checked = parseParams(method, params);
      if (ws.readyState !== ws.OPEN) return reject(new RampartError('DEVICE_UNAVAILABLE', `the connection to the device at ${where} is closed`));
      const id = nextId++;
      const ms = LONG_COMMANDS.has(method) ? (opts.longTimeoutMs ?? 600_000) : (opts.timeoutMs ?? 30_000);
      const timer = setTimeout(() => {
        settle(id);
        reject(new RampartError('DEVICE_UNAVAILABLE', `${method} got no answer from the device at ${where} within ${ms >= 1000 ? `${Math.round(ms / 1000)} s` : `${ms} ms`}; it may still complete`));
      }, ms);
      pending.set(id, { method, resolve, reject, timer });
      ws.send(JSON.stringify({ id, method, params: checked }));
    });

  const api = Object.fromEntries((Object.keys(commands) as CommandName[]).map((m) => [m, (p: unknown) => call(m, p)])) as DeviceApi;
  return Object.assign(api, {
    on<E extends EventName>(event: E, cb: (payload: EventPayload<E>) => void): () => void {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(cb as (payload: never) => void);
      return () => void set.delete(cb as (payload: never) => void);
    },
    close(): Promise<void> {
      if (ws.readyState === ws.CLOSED) return Promise.resolve();
      return new Promise<void>((resolve) => {
        ws.once('close', () => resolve());
        ws.close(1000);
      });
    },
  });
}
