/**
 * The local RPC server (DESIGN §2, §9): the device API over a WebSocket on
 * 127.0.0.1, for the CLI and browser mode. The token lives in
 * `<home>/rpc.json` (mode 0600) while the server runs; clients present it as
 * a subprotocol and browsers must come from an allowed Origin (main/rpc/guard.ts).
 * Every DeviceService event is pushed to every connected client.
 *
 * Browser mode (`ui`): the same port also serves the built renderer
 * (main/ui/static-server.ts), its origin `http://127.0.0.1:PORT` is allowed,
 * and `<home>/ui-url` holds the page's address with the token in the fragment.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { events, type DeviceApi, type EventName, type EventPayload } from '../../shared/api.js';
import { RPC_MAX_FRAME_BYTES, RPC_SUBPROTOCOL, type RpcServerFrame } from '../../shared/rpc-protocol.js';
import { openRendererRoot, staticHandler } from '../ui/static-server.js';
import { removeUiUrl, uiOrigin, uiUrl, writeUiUrl } from '../ui/ui-url.js';
import { checkUpgrade, refuse } from './guard.js';
import { answer, makeHandlers } from './handlers.js';
import { removeRpcInfo, writeRpcInfo } from './info.js';

/** Loopback only: the RPC is never reachable from another machine. */
const HOST = '127.0.0.1';
/** A client this far behind on its socket is dropped rather than buffered without bound. */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

/** The device API plus its event subscription (what DeviceService provides). */
export type RpcApi = DeviceApi & { on(listener: <E extends EventName>(event: E, payload: EventPayload<E>) => void): () => void };

/** Options of startRpcServer. */
export interface RpcServerOptions {
  api: RpcApi;
  /** Device home: rpc.json is written here. */
  home: string;
  /** TCP port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Origins allowed to connect (browser mode); requests without Origin (CLI) are always checked by token only. */
  allowedOrigins?: string[];
  /** Browser mode: serve the built renderer in `root` (must hold index.html) on the same port and allow its origin. */
  ui?: { root: string };
}

/** A running RPC server. */
export interface RpcServerHandle {
  port: number;
  /** ws://127.0.0.1:port */
  url: string;
  /** The token clients must present (also in rpc.json). */
  token: string;
  /** Browser mode: the UI's address, `http://127.0.0.1:PORT/#token=…` (also in ui-url). */
  uiUrl?: string;
  /** The bound address (always 127.0.0.1). */
  address(): AddressInfo;
  /** Drops every client, stops listening and removes rpc.json. */
  close(): Promise<void>;
}

function listen(http: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const failed = (e: NodeJS.ErrnoException): void => reject(e.code === 'EADDRINUSE' ? new Error(`${HOST}:${port} is already in use; choose another port`) : e);
    http.once('error', failed);
    http.listen(port, HOST, () => {
      http.off('error', failed);
      resolve();
    });
  });
}

function text(data: RawData): string {
  return (Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer)).toString('utf8');
}

function send(ws: WebSocket, frame: RpcServerFrame | string): void {
  if (ws.readyState !== ws.OPEN) return;
  if (ws.bufferedAmount > MAX_BUFFERED_BYTES) return void ws.terminate();
  ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
}

/** Starts the RPC server and writes rpc.json; resolves once it listens. */
export async function startRpcServer(opts: RpcServerOptions): Promise<RpcServerHandle> {
  const uiRoot = opts.ui === undefined ? undefined : await openRendererRoot(opts.ui.root);
  const token = randomBytes(32).toString('hex');
  const handlers = makeHandlers(opts.api);
  const clients = new Set<WebSocket>();
  let serveFile: ReturnType<typeof staticHandler> | undefined;
  const http = createServer((req, res) => {
    if (serveFile !== undefined) return serveFile(req, res);
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
  });
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: RPC_MAX_FRAME_BYTES,
    perMessageDeflate: false,
    handleProtocols: (offered) => (offered.has(RPC_SUBPROTOCOL) ? RPC_SUBPROTOCOL : false),
  });
  await listen(http, opts.port ?? 0);
  const address = http.address() as AddressInfo;
  const ui = uiRoot === undefined ? undefined : uiUrl(address.port, token);
  if (uiRoot !== undefined) serveFile = staticHandler(uiRoot, address.port);
  const allowedOrigins = [...(opts.allowedOrigins ?? []), ...(ui === undefined ? [] : [uiOrigin(address.port)])];
  const policy = { token, port: address.port, allowedOrigins };

  http.on('upgrade', (req, socket, head) => {
    const refusal = checkUpgrade(req, policy);
    if (refusal !== undefined) return refuse(socket, refusal);
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });
  wss.on('connection', (ws: WebSocket) => {
    clients.add(ws);
    ws.on('close', () => clients.delete(ws));
    ws.on('error', () => undefined); // e.g. an oversized frame: ws closes with 1009
    ws.on('message', (data, isBinary) => {
      if (isBinary) return send(ws, { id: null, error: { code: 'ENCODING_INVALID', message: 'frames are JSON text' } });
      void answer(handlers, text(data)).then((frame) => send(ws, frame));
    });
  });
  const unsubscribe = opts.api.on((event, payload) => {
    const r = events[event].safeParse(payload);
    if (!r.success) return; // never push what the contract does not allow
    const frame = JSON.stringify({ event, payload: r.data });
    for (const ws of clients) send(ws, frame);
  });

  try {
    await writeRpcInfo(opts.home, { port: address.port, token, pid: process.pid });
    if (ui !== undefined) await writeUiUrl(opts.home, ui);
  } catch (e) {
    unsubscribe();
    http.close();
    await removeRpcInfo(opts.home, token);
    throw e;
  }

  let closing: Promise<void> | undefined;
  const close = async (): Promise<void> => {
    unsubscribe();
    for (const ws of clients) ws.terminate();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
    http.closeAllConnections();
    await new Promise<void>((resolve) => http.close(() => resolve()));
    await removeRpcInfo(opts.home, token);
    if (ui !== undefined) await removeUiUrl(opts.home, ui);
  };
  return {
    port: address.port,
    url: `ws://${HOST}:${address.port}`,
    token,
    ...(ui === undefined ? {} : { uiUrl: ui }),
    address: () => ({ ...address }),
    close: () => (closing ??= close()),
  };
}
