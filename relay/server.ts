/**
 * The relay server (DESIGN §8): an untrusted store-and-forward WebSocket
 * service. Devices authenticate by signing a challenge; envelopes are routed
 * by `to[]` through a durable SQLite mailbox until each recipient acks them
 * or their TTL passes; valid certificates are kept per quorum. Frames are
 * defined in shared/relay-protocol.ts.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { installNodeEd25519 } from '../main/crypto/node-ed25519.js';
import { installNodeSha256 } from '../main/crypto/node-sha256.js';
import { CLOSE, Connection } from './connection.js';
import type { RelayContext, RelayCounters } from './context.js';
import { DeliveryFrames } from './delivery-frames.js';
import { resolveLimits, type RelayLimits } from './limits.js';
import { createLogger, type RelayLogger } from './log.js';
import { RelayStore } from './store.js';

/** Options of startRelay. */
export interface RelayOptions {
  /** Interface to bind; 127.0.0.1 unless told otherwise. */
  host?: string;
  /** TCP port; 0 picks a free one. */
  port?: number;
  /** SQLite file; ':memory:' when omitted (tests only: nothing survives a restart). */
  dbPath?: string;
  /** Limits overriding DEFAULT_LIMITS. */
  limits?: Partial<RelayLimits>;
  /** Wall clock in ms (timestamps, TTL); Date.now by default. */
  now?: () => number;
  /** Where log lines go; JSON lines on stderr at 'info' by default. */
  logger?: RelayLogger;
}

/** What the relay reports about itself. */
export interface RelayStats extends RelayCounters {
  connections: number;
  devices: number;
  pendingDeliveries: number;
  envelopes: number;
  certificates: number;
}

/** A running relay. */
export interface RelayHandle {
  /** ws://host:port */
  url: string;
  port: number;
  /** This relay's id (what devices sign in their auth answer). */
  relayId: string;
  /** Closes every connection, stops listening and closes the database. */
  close(): Promise<void>;
  /** Connection counts, mailbox and certificate counts, and running totals. */
  stats(): RelayStats;
}

/** Starts a relay; resolves once it listens. */
export async function startRelay(opts: RelayOptions = {}): Promise<RelayHandle> {
  installNodeSha256(); // certificate hashes through OpenSSL's SHA-256: same digests
  installNodeEd25519(); // challenge–response checks through libsodium (same acceptance as noble)
  const limits = resolveLimits(opts.limits);
  const now = opts.now ?? Date.now;
  const log = opts.logger ?? createLogger('info');
  const store = new RelayStore(opts.dbPath ?? ':memory:');
  const devices = new Map<string, Connection>();
  const counters: RelayCounters = { framesIn: 0, garbageFrames: 0, rateLimited: 0, authFailures: 0, connectionsRefused: 0 };
  const ctx: RelayContext = {
    store,
    limits,
    now,
    log,
    counters,
    frames: new DeliveryFrames(),
    bind(conn) {
      const id = conn.deviceId!;
      const older = devices.get(id);
      devices.set(id, conn);
      if (older !== undefined && older !== conn) older.close(CLOSE.replaced, 'replaced by a newer connection of this device');
      log.log('info', 'device-online', { device: id });
    },
    unbind(conn) {
      if (conn.deviceId !== undefined && devices.get(conn.deviceId) === conn) {
        devices.delete(conn.deviceId);
        log.log('info', 'device-offline', { device: conn.deviceId });
      }
    },
    connectionOf: (id) => devices.get(id),
  };

  const http = createServer((_req, res) => {
    res.writeHead(426, { 'content-type': 'text/plain' }).end('rampart relay: WebSocket only\n');
  });
  const wss = new WebSocketServer({ server: http, maxPayload: limits.maxFrameBytes, perMessageDeflate: false });
  const alive = new WeakMap<WebSocket, boolean>();

  wss.on('connection', (ws: WebSocket, req: IncomingMessage) => {
    ws.on('error', (e) => log.log('debug', 'socket-error', { error: e.message }));
    if (wss.clients.size > limits.maxConnections) {
      counters.connectionsRefused++;
      ws.close(CLOSE.tryLater, 'relay is full');
      return;
    }
    alive.set(ws, true);
    ws.on('pong', () => alive.set(ws, true));
    const conn = new Connection(ws, ctx);
    ws.on('message', (data, isBinary) => conn.onMessage(data, isBinary));
    ws.on('close', (code) => {
      conn.onClose();
      log.log('debug', 'closed', { device: conn.deviceId, code, remote: req.socket.remoteAddress });
    });
  });
  wss.on('error', (e) => log.log('error', 'server-error', { error: e.message }));

  const timers = [
    setInterval(() => {
      for (const ws of wss.clients) {
        if (alive.get(ws) === false) ws.terminate();
        else {
          alive.set(ws, false);
          ws.ping();
        }
      }
    }, limits.heartbeatMs),
    setInterval(() => {
      try {
        const n = store.sweep(now());
        if (n > 0) log.log('info', 'swept', { expired: n });
      } catch (e) {
        log.log('error', 'sweep-failed', { error: e instanceof Error ? e.message : 'unknown' });
      }
    }, limits.sweepMs),
  ];
  for (const t of timers) t.unref();

  try {
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => {
        http.off('error', reject);
        resolve();
      });
    });
  } catch (e) {
    for (const t of timers) clearInterval(t);
    wss.close();
    store.close();
    throw e;
  }
  store.sweep(now());
  const addr = http.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  log.log('info', 'listening', { host: addr.address, port: addr.port, relayId: store.relayId });

  let closing: Promise<void> | undefined;
  return {
    url: `ws://${host}:${addr.port}`,
    port: addr.port,
    relayId: store.relayId,
    close() {
      closing ??= (async () => {
        for (const t of timers) clearInterval(t);
        for (const ws of wss.clients) ws.terminate();
        await new Promise<void>((resolve) => wss.close(() => resolve()));
        http.closeAllConnections();
        await new Promise<void>((resolve) => http.close(() => resolve()));
        store.close();
      })();
      return closing;
    },
    stats() {
      const counts = store.counts(now());
      return { ...counters, connections: wss.clients.size, devices: devices.size, ...counts };
    },
  };
}
