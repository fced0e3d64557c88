/**
 * The local RPC frame protocol (DESIGN §2 "local RPC", §9): JSON text frames
 * over one WebSocket to 127.0.0.1, carrying the device API of shared/api.ts.
 *
 * Authentication: the client offers two subprotocols, `rampart.v1` and
 * `rampart-token.<64 hex>` (the token from `<home>/rpc.json`); the server
 * selects `rampart.v1`, so the token is never echoed. A subprotocol is the
 * one header a browser WebSocket can set, and unlike `?token=` it stays out
 * of URLs, history and logs. Connections with an Origin header are refused
 * unless that origin is allowed.
 *
 * Frames: request `{id, method, params}` → response `{id, result}` or
 * `{id, error: {code, message, culprit?}}` (id null when the request was too
 * malformed to have one); server push `{event, payload}`.
 */
import { z } from 'zod';
import { commands, apiErrorSchema, type CommandName } from './api.js';
import { RampartError, type ErrorInfo } from './errors.js';

/** The subprotocol the server selects. */
export const RPC_SUBPROTOCOL = 'rampart.v1';
/** Prefix of the subprotocol that carries the token. */
export const RPC_TOKEN_PREFIX = 'rampart-token.';
/** Largest frame the server accepts (bytes). */
export const RPC_MAX_FRAME_BYTES = 1024 * 1024;

/** The RPC token: 32 random bytes, lower-case hex. */
export const rpcTokenSchema = z.string().regex(/^[0-9a-f]{64}$/, 'expected 32 bytes of lower-case hex');
/** A request id chosen by the client. */
export const requestIdSchema = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/** A request from client to server (method checked against `commands` separately). */
export const requestFrameSchema = z.strictObject({ id: requestIdSchema, method: z.string().max(64), params: z.unknown().optional() });
/** A request frame. */
export type RequestFrame = z.infer<typeof requestFrameSchema>;

const resultFrame = z.strictObject({ id: requestIdSchema, result: z.unknown() });
const errorFrame = z.strictObject({ id: requestIdSchema.nullable(), error: apiErrorSchema });
const eventFrame = z.strictObject({ event: z.string().max(64), payload: z.unknown() });
/** Every frame the server sends (payloads checked against the api tables by the receiver). */
export const serverFrameSchema = z.union([resultFrame, errorFrame, eventFrame]);
/** A frame from server to client. */
export type RpcServerFrame = z.infer<typeof serverFrameSchema>;

/** Whether `m` names a command of the device API (own keys only: never `constructor` or `__proto__`). */
export function isCommandName(m: unknown): m is CommandName {
  return typeof m === 'string' && Object.hasOwn(commands, m);
}

/** `<path>: <message>` for a zod failure, naming the first offending field under `root`. */
export function describeIssues(error: z.ZodError, root: string): string {
  const issue = error.issues[0];
  if (issue === undefined) return `${root}: invalid`;
  return `${[root, ...issue.path.map(String)].join('.')}: ${issue.message}`.slice(0, 300);
}

/** Validates a command's params; ENCODING_INVALID naming the field on failure. Returns the parsed (defaulted) params. */
export function parseParams<C extends CommandName>(method: C, params: unknown): z.output<(typeof commands)[C]['params']> {
  const r = commands[method].params.safeParse(params ?? {});
  if (!r.success) throw new RampartError('ENCODING_INVALID', describeIssues(r.error, 'params'));
  return r.data as z.output<(typeof commands)[C]['params']>;
}

/** Rebuilds the RampartError an error frame describes (its message already names the culprit). */
export function errorFromInfo(info: ErrorInfo): RampartError {
  const suffix = info.culprit === undefined ? '' : ` (device ${info.culprit})`;
  const message = suffix !== '' && info.message.endsWith(suffix) ? info.message.slice(0, -suffix.length) : info.message;
  return new RampartError(info.code, message, info.culprit);
}

/** A call a client is waiting on. */
export interface PendingCall {
  method: CommandName;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/**
 * Settles the call a result or error frame answers — with the result validated against the
 * command's schema, or the error rebuilt — for the Node client and the browser bridge alike.
 * `settle` takes the call out of the client's table (undefined: nobody waits for that id).
 */
export function answerCall(frame: Exclude<RpcServerFrame, { event: string }>, settle: (id: number) => PendingCall | undefined): void {
  if ('error' in frame) {
    if (frame.id !== null) settle(frame.id)?.reject(errorFromInfo(frame.error));
    return;
  }
  const p = settle(frame.id);
  if (p === undefined) return;
  const r = commands[p.method].result.safeParse(frame.result);
  if (r.success) p.resolve(r.data);
  else p.reject(new RampartError('ENCODING_INVALID', `the device sent an invalid ${p.method} result: ${describeIssues(r.error, 'result')}`));
}
