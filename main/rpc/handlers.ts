/**
 * The RPC server's handlers, generated from the `commands` table of
 * shared/api.ts: each validates params with the command's schema, calls the
 * device API, and validates the result before it leaves. Errors become
 * `{code, message, culprit?}`; anything that is not a RampartError becomes a
 * generic "internal error" so no stack or secret crosses.
 */
import { commands, type CommandName, type DeviceApi } from '../../shared/api.js';
import { ERROR_CODES, isRampartError, type ErrorInfo } from '../../shared/errors.js';
import { describeIssues, isCommandName, parseParams, requestFrameSchema, requestIdSchema, type RpcServerFrame } from '../../shared/rpc-protocol.js';

/** One generated handler: unchecked params in, checked result out. */
export type Handler = (params: unknown) => Promise<unknown>;

/** Builds one handler per command of the table. */
export function makeHandlers(api: DeviceApi): Record<CommandName, Handler> {
  const entries = (Object.keys(commands) as CommandName[]).map((method): [CommandName, Handler] => [
    method,
    async (params) => {
      const call = api[method] as (p: unknown) => Promise<unknown>;
      const result = await call.call(api, parseParams(method, params));
      const r = commands[method].result.safeParse(result);
      if (!r.success) throw new Error(`${method} returned an invalid result: ${describeIssues(r.error, 'result')}`);
      return r.data;
    },
  ]);
  return Object.fromEntries(entries) as Record<CommandName, Handler>;
}

/** The `{code, message, culprit?}` an error may cross as; a generic internal error for anything unexpected. */
export function toErrorInfo(e: unknown): ErrorInfo {
  if (isRampartError(e) && (ERROR_CODES as readonly string[]).includes(e.code) && typeof e.message === 'string') {
    const info: ErrorInfo = { code: e.code, message: e.message.slice(0, 2000) };
    if (typeof e.culprit === 'string') info.culprit = e.culprit;
    return info;
  }
  return { code: 'INTERNAL', message: 'internal error' };
}

/** Answers one request frame's text (never throws). */
export async function answer(handlers: Record<CommandName, Handler>, text: string): Promise<RpcServerFrame> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { id: null, error: { code: 'ENCODING_INVALID', message: 'frame is not valid JSON' } };
  }
  const req = requestFrameSchema.safeParse(value);
  if (!req.success) {
    const id = requestIdSchema.safeParse((value as { id?: unknown } | null)?.id);
    return { id: id.success ? id.data : null, error: { code: 'ENCODING_INVALID', message: describeIssues(req.error, 'frame') } };
  }
  const { id, method, params } = req.data;
  if (!isCommandName(method)) {
    return { id, error: { code: 'VERSION_UNSUPPORTED', message: `unknown method ${JSON.stringify(method)}` } };
  }
  try {
    return { id, result: await handlers[method](params) };
  } catch (e) {
    return { id, error: toErrorInfo(e) };
  }
}
