/**
 * The `rampart` CLI (DESIGN §7): the relay, device homes and the daemon, and
 * commands that talk to a running daemon through its local RPC. JSON output
 * and exit codes as specified; errors are one clear line on stderr.
 */
import { resolve } from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import type { CommandName, CommandParams, CommandResult, DeviceApi } from '../../shared/api.js';
import { encodeCard } from '../../shared/card.js';
import { isRampartError } from '../../shared/errors.js';
import { devicePublicKeys } from '../../shared/identity.js';
import { openOfflineDevice, runDevice } from '../daemon.js';
import { initHome } from '../device/home.js';
import { connectRpc } from '../rpc/client.js';
import { readRpcInfo } from '../rpc/info.js';
import { defaultRendererRoot, openRendererRoot } from '../ui/static-server.js';
import { startRelay } from '../../relay/server.js';
import { runDemo } from './demo.js';
import { errorLine, EXIT, printJson } from './output.js';
import { backupPassphrase, passphrase } from './passphrase.js';

/** Runs one device API command against the daemon of `home`. */
async function call<C extends CommandName>(home: string, command: C, params: CommandParams<C>): Promise<CommandResult<C>> {
  const client = await connectRpc(home);
  try {
    const fn = (client as DeviceApi)[command] as (p: CommandParams<C>) => Promise<CommandResult<C>>;
    return await fn(params);
  } finally {
    client.close();
  }
}

/** Whether process `pid` is alive (a stale rpc.json names a dead one). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Runs a command through the daemon of `home` when one runs, else on the home directly
 * (`rampart backup`: a holder restoring a wiped device has no daemon running yet).
 */
async function callOrOffline<C extends CommandName>(home: string, command: C, params: CommandParams<C>): Promise<CommandResult<C>> {
  const info = await readRpcInfo(home).catch(() => undefined);
  if (info !== undefined && alive(info.pid)) return call(home, command, params);
  const device = await openOfflineDevice(home, { passphrase: await passphraseIfFile(home) });
  try {
    const fn = (device.service as DeviceApi)[command] as (p: CommandParams<C>) => Promise<CommandResult<C>>;
    return await fn.call(device.service, params);
  } finally {
    device.close();
  }
}

function waitForSignal(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
}

const collect = (v: string, prev: string[]) => [...prev, v];
/** A whole number ≥ 2 (a threshold); anything else is a usage error (exit 2). */
const threshold = (v: string): number => {
  if (!/^\d+$/.test(v) || Number(v) < 2) throw new InvalidArgumentError('expected a whole number of at least 2');
  return Number(v);
};
/** A TCP port. */
const port = (v: string): number => {
  if (!/^\d+$/.test(v) || Number(v) > 65535) throw new InvalidArgumentError('expected a port number');
  return Number(v);
};
const homeOption = () => new Option('--home <dir>', 'device home directory').makeOptionMandatory();

/** The commander program. */
export function program(): Command {
  const p = new Command('rampart')
    .description('Rampart: a signer device of MPC quorums, with key resharing')
    .exitOverride();

  p.command('relay')
    .description('run the untrusted store-and-forward relay')
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--port <port>', 'port', port, 8787)
    .option('--db <file>', 'SQLite file (in-memory when omitted: tests only)')
    .action(async (o: { host: string; port: number; db?: string }) => {
      const relay = await startRelay({ host: o.host, port: o.port, ...(o.db === undefined ? {} : { dbPath: o.db }) });
      process.stderr.write(`relay listening on ${relay.url}${o.db === undefined ? ' (in-memory store: messages are lost on exit)' : ` (store ${o.db})`}\n`);
      await waitForSignal();
      await relay.close();
    });

  const device = p.command('device').description('create or run this device');
  device
    .command('init')
    .description('create a device: identity keys in the keystore, config in the home')
    .addOption(homeOption())
    .requiredOption('--name <name>', 'device name shown to other holders')
    .requiredOption('--relay <url>', 'relay URL, e.g. ws://127.0.0.1:8787')
    .addOption(new Option('--keystore <backend>', 'where secrets live').choices(['os', 'file']).default('os'))
    .option('--json', 'print JSON')
    .action(async (o: { home: string; name: string; relay: string; keystore: 'os' | 'file'; json?: boolean }) => {
      const pass = o.keystore === 'file' ? { passphrase: await passphrase(true) } : {};
      const h = await initHome(o.home, { name: o.name, relay: o.relay, keystore: o.keystore, ...pass });
      const card = encodeCard({ name: h.config.name, ...devicePublicKeys(h.identity) });
      if (o.json) printJson({ deviceId: h.config.deviceId, name: h.config.name, card });
      else process.stdout.write(`device ${h.config.name} (${h.config.deviceId}) created in ${h.dir}\ncard: ${card}\n`);
    });
  device
    .command('run')
    .description('run the device: relay client + local RPC (+ the browser UI with --ui)')
    .addOption(homeOption())
    .option('--ui', 'also serve the browser UI on 127.0.0.1; prints its address (with the access token) on stdout and in <home>/ui-url')
    .option('--ui-port <port>', 'port of the browser UI and local RPC (default: a free one)', port)
    .addOption(new Option('--ui-dir <dir>', 'serve the renderer from DIR instead of dist/renderer (development, tests)').hideHelp())
    .action(async (o: { home: string; ui?: boolean; uiPort?: number; uiDir?: string }) => {
      if (o.ui !== true && (o.uiPort !== undefined || o.uiDir !== undefined)) throw new CommanderError(EXIT.usage, 'rampart.usage', '--ui-port and --ui-dir need --ui');
      const ui = o.ui === true ? { ui: { root: o.uiDir === undefined ? defaultRendererRoot() : resolve(o.uiDir), ...(o.uiPort === undefined ? {} : { port: o.uiPort }) } } : {};
      if (ui.ui !== undefined) await openRendererRoot(ui.ui.root); // before any passphrase prompt
      const d = await runDevice(o.home, { passphrase: await passphraseIfFile(o.home), onLog: (l) => process.stderr.write(l + '\n'), ...ui });
      const where = d.rpc?.uiUrl === undefined ? '' : `; browser UI on http://127.0.0.1:${d.rpc.port}/ (open the address printed on stdout)`;
      process.stderr.write(`device ${d.service.deviceId} running; local RPC on ${d.rpc?.url ?? '(none)'}${where}\n`);
      // The one stdout line: the address with the token in its fragment (never sent to the server, never logged).
      if (d.rpc?.uiUrl !== undefined) process.stdout.write(`${d.rpc.uiUrl}\n`);
      await waitForSignal();
      await d.stop();
    });

  const json = (cmd: Command) => cmd.option('--json', 'print JSON (the default for this command)');
  json(p.command('status').description("this device and its quorums").addOption(homeOption())).action(async (o: { home: string }) => printJson(await call(o.home, 'status', {})));
  json(p.command('requests').description('requests awaiting this holder').addOption(homeOption())).action(async (o: { home: string }) => printJson(await call(o.home, 'requests', {})));
  p.command('approve <id>').description('approve a request').addOption(homeOption()).action(async (id: string, o: { home: string }) => void (await call(o.home, 'approve', { id })));
  p.command('reject <id>')
    .description('reject a request')
    .addOption(homeOption())
    .option('--reason <text>', 'why')
    .action(async (id: string, o: { home: string; reason?: string }) => void (await call(o.home, 'reject', o.reason === undefined ? { id } : { id, reason: o.reason })));
  p.command('withdraw <session>').description('give up an undecided reshare').addOption(homeOption()).action(async (sessionId: string, o: { home: string }) => void (await call(o.home, 'withdraw', { sessionId })));

  json(
    p
      .command('quorum')
      .command('create')
      .description('create a quorum with this device and the given members')
      .addOption(homeOption())
      .requiredOption('--name <name>', 'quorum name')
      .addOption(new Option('--suite <suite>', 'signature suite').choices(['ed25519', 'secp256k1-tr']).makeOptionMandatory())
      .requiredOption('--threshold <t>', 'signers needed', threshold)
      .option('--member <card>', 'another member (repeat)', collect, []),
  ).action(async (o: { home: string; name: string; suite: 'ed25519' | 'secp256k1-tr'; threshold: number; member: string[] }) =>
    printJson(await call(o.home, 'createQuorum', { name: o.name, suite: o.suite, threshold: o.threshold, members: o.member })),
  );
  json(
    p
      .command('reshare')
      .description('refresh or restructure a quorum (same group key)')
      .addOption(homeOption())
      .requiredOption('--quorum <id>', 'quorum id')
      .option('--threshold <t>', 'new threshold', threshold)
      .option('--add <card>', 'device to add (repeat)', collect, [])
      .option('--remove <deviceId>', 'device to remove (repeat)', collect, []),
  ).action(async (o: { home: string; quorum: string; threshold?: number; add: string[]; remove: string[] }) =>
    printJson(await call(o.home, 'reshare', { quorumId: o.quorum, add: o.add, remove: o.remove, ...(o.threshold === undefined ? {} : { threshold: o.threshold }) })),
  );
  json(
    p
      .command('sign')
      .description('sign a message with the quorum')
      .addOption(homeOption())
      .requiredOption('--quorum <id>', 'quorum id')
      .requiredOption('--message <hex>', 'message bytes, hex')
      .option('--description <text>', 'what holders are asked to approve', ''),
  ).action(async (o: { home: string; quorum: string; message: string; description: string }) =>
    printJson(await call(o.home, 'sign', { quorumId: o.quorum, message: o.message.toLowerCase(), description: o.description })),
  );
  json(
    p
      .command('log')
      .description("this device's event log, hash-chained (each entry with hash and prevHash)")
      .addOption(homeOption())
      .option('--verify', 'recompute the log hash chain and verify every stored certificate chain; exit 1 if broken'),
  ).action(async (o: { home: string; verify?: boolean }) => {
    if (o.verify !== true) return printJson(await call(o.home, 'log', {}));
    const v = await call(o.home, 'verifyLog', {});
    printJson(v);
    if (!v.ok) {
      const bad = v.quorums.find((q) => !q.ok);
      throw new Error(`log verification failed: ${v.firstBroken !== null ? v.firstBroken.reason : `quorum ${bad?.quorumId ?? '?'}: ${bad?.error ?? 'certificate chain broken'}`}`);
    }
  });

  const backup = p.command('backup').description('encrypted, epoch-bound backups of this device (DESIGN §6)');
  backup
    .command('export')
    .description("encrypt this device's current share of a quorum to a file (passphrase: RAMPART_BACKUP_PASSPHRASE, RAMPART_PASSPHRASE or a prompt)")
    .addOption(homeOption())
    .requiredOption('--quorum <id>', 'quorum id')
    .requiredOption('--out <file>', 'backup file to write (mode 0600), e.g. treasury.rampart-backup')
    .option('--json', 'print JSON')
    .action(async (o: { home: string; quorum: string; out: string; json?: boolean }) => {
      const pass = await backupPassphrase(true);
      const r = await callOrOffline(o.home, 'exportBackup', { quorumId: o.quorum, passphrase: pass, path: resolve(o.out) });
      if (o.json) printJson(r);
      else process.stdout.write(`backup of quorum ${r.quorumId} at epoch ${r.epoch} written to ${r.path ?? '?'}\nfingerprint ${r.fingerprint}\n`);
    });
  backup
    .command('import')
    .description('restore this device from a backup file; refused if stale (exit 3) or unverifiable without --accept-unverified (exit 4)')
    .addOption(homeOption())
    .requiredOption('--in <file>', 'backup file')
    .option('--accept-unverified', 'restore although the current epoch cannot be established (offline): only if no reshare happened since')
    .option('--json', 'print JSON')
    .action(async (o: { home: string; in: string; acceptUnverified?: boolean; json?: boolean }) => {
      const pass = await backupPassphrase(false);
      const r = await callOrOffline(o.home, 'importBackup', { path: resolve(o.in), passphrase: pass, acceptUnverified: o.acceptUnverified === true });
      if (o.json) printJson(r);
      else process.stdout.write(`restored quorum ${r.quorumId} at epoch ${r.epoch} as device ${r.deviceId}: ${r.message}\n`);
    });
  json(
    backup
      .command('list')
      .description("this device's recorded exports; obsolete ones are older than the quorum's current epoch")
      .addOption(homeOption())
      .option('--quorum <id>', 'only this quorum'),
  ).action(async (o: { home: string; quorum?: string }) => printJson(await callOrOffline(o.home, 'backups', o.quorum === undefined ? {} : { quorumId: o.quorum })));
  p.command('demo')
    .description('the whole story with an embedded relay and devices (auto-approval, demo only)')
    .option('--json', 'print one JSON object')
    .action(async (o: { json?: boolean }) => runDemo({ json: o.json === true }));
  return p;
}

async function passphraseIfFile(home: string): Promise<string | undefined> {
  const { readFile } = await import('node:fs/promises');
  const { join } = await import('node:path');
  const text = await readFile(join(home, 'device.json'), 'utf8').catch(() => '{}');
  return (JSON.parse(text) as { keystore?: string }).keystore === 'file' ? passphrase(false) : undefined;
}

/** Runs the CLI with `argv`; resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  try {
    await program().parseAsync(argv);
    return EXIT.ok;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.exitCode === 0) return EXIT.ok;
      if (e.code === 'rampart.usage') process.stderr.write(`rampart: ${e.message}\n`);
      return EXIT.usage;
    }
    process.stderr.write(errorLine(e) + '\n');
    if (isRampartError(e) && e.code === 'BACKUP_STALE') return EXIT.backupStale;
    if (isRampartError(e) && e.code === 'BACKUP_UNVERIFIED') return EXIT.backupNeedsConfirmation;
    return EXIT.error;
  }
}
