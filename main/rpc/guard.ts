/**
 * Who may open the local RPC (DESIGN §9): a request to 127.0.0.1 with the
 * right Host, no Origin or an allowed one, and the token as a subprotocol
 * (`rampart-token.<hex>`, next to `rampart.v1`; see shared/rpc-protocol.ts).
 * Anything else is refused at the HTTP upgrade, before any WebSocket exists.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { RPC_SUBPROTOCOL, RPC_TOKEN_PREFIX } from '../../shared/rpc-protocol.js';

/** Why an upgrade is refused: HTTP status and a short reason (never echoes the token). */
export interface Refusal {
  status: 400 | 401 | 403;
  reason: string;
}

/** What a request is checked against. */
export interface GuardPolicy {
  token: string;
  port: number;
  allowedOrigins: readonly string[];
}

/** Compares two strings in time independent of where they differ. */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  // Lengths are public (the token is always 64 hex); compare equal-length buffers only.
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The subprotocols a client offered, in order. */
function offered(req: IncomingMessage): string[] {
  const h = req.headers['sec-websocket-protocol'];
  return typeof h === 'string' ? h.split(',').map((p) => p.trim()).filter((p) => p !== '') : [];
}

/**
 * DNS-rebinding defence: the Host a request names must be the loopback address we bind
 * (`127.0.0.1:port`; `localhost:port` too unless `strict`, as the browser UI is served only
 * from the first, the one origin its RPC connections are allowed from).
 */
export function hostAllowed(req: IncomingMessage, port: number, strict = false): boolean {
  const host = req.headers.host;
  return host === `127.0.0.1:${port}` || (!strict && host === `localhost:${port}`);
}

/** Checks an upgrade request; the refusal, or undefined when it may proceed. */
export function checkUpgrade(req: IncomingMessage, policy: GuardPolicy): Refusal | undefined {
  if (!hostAllowed(req, policy.port)) return { status: 403, reason: 'host not allowed' };
  const origin = req.headers.origin;
  if (origin !== undefined && !policy.allowedOrigins.includes(origin)) return { status: 403, reason: 'origin not allowed' };
  const protocols = offered(req);
  const tokens = protocols.filter((p) => p.startsWith(RPC_TOKEN_PREFIX));
  if (tokens.length !== 1) return { status: 401, reason: 'token required' };
  if (!sameSecret(tokens[0]!.slice(RPC_TOKEN_PREFIX.length), policy.token)) return { status: 401, reason: 'token invalid' };
  if (!protocols.includes(RPC_SUBPROTOCOL)) return { status: 400, reason: `subprotocol ${RPC_SUBPROTOCOL} required` };
  return undefined;
}

/** Answers a refused upgrade with a plain HTTP error and closes the socket. */
export function refuse(socket: Duplex, r: Refusal): void {
  const body = `${r.reason}\n`;
  socket.on('error', () => undefined);
  const head = `HTTP/1.1 ${r.status} ${STATUS_CODES[r.status] ?? ''}\r\nConnection: close\r\nContent-Type: text/plain\r\n`;
  socket.end(`${head}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`, () => socket.destroy());
}
