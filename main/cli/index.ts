/**
 * The `rampart` CLI (DESIGN §7): the relay, device homes and the daemon, and
 * commands that talk to a running daemon through its local RPC. JSON output
 * and exit codes as specified; errors are one clear line on stderr.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import type { CommandName, CommandParams, CommandResult, DeviceApi } from '../../shared/api.js';
import { encodeCard } from '../../shared/card.js';
import { devicePublicKeys } from '../../shared/identity.js';
import { runDevice } from '../daemon.js';
import { initHome } from '../device/home.js';
import { connectRpc } from '../rpc/client.js';
import { startRelay } from '../../relay/server.js';
import { runDemo } from './demo.js';
import { errorLine, EXIT, printJson } from './output.js';
import { passphrase } from './passphrase.js';

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
    .description('run the device: relay client + local RPC')
    .addOption(homeOption())
    .option('--ui', 'also serve the browser UI (arrives with the desktop app)')
    .action(async (o: { home: string; ui?: boolean }) => {
      if (o.ui === true) throw new CommanderError(EXIT.usage, 'rampart.ui', 'browser mode (--ui) arrives with the desktop app; run without --ui');
      const d = await runDevice(o.home, { passphrase: await passphraseIfFile(o.home), onLog: (l) => process.stderr.write(l + '\n') });
      process.stderr.write(`device ${d.service.deviceId} running; local RPC on ${d.rpc?.url ?? '(none)'}\n`);
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
  json(p.command('log').description("this device's event log").addOption(homeOption())).action(async (o: { home: string }) => printJson(await call(o.home, 'log', {})));
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
      if (e.code === 'rampart.ui') process.stderr.write(`rampart: ${e.message}\n`);
      return EXIT.usage;
    }
    process.stderr.write(errorLine(e) + '\n');
    return EXIT.error;
  }
}
