#!/usr/bin/env node
// Runs a command where the OS keychain works, so `npm test` passes on a fresh Linux box.
//
//   node scripts/with-keyring.mjs <command> [args...]
//
// Off Linux, or when the current session already has a working Secret Service (a probe
// entry can be written and deleted), the command runs directly. Otherwise it is re-executed
// under `dbus-run-session` with a throwaway gnome-keyring (data in a temp dir, unlocked
// with a random password, so the user's own keyrings are never touched). Needs the Debian
// packages `dbus gnome-keyring` (and `libsecret-tools` for the tests' `secret-tool`).
//
// RAMPART_PRIVATE_KEYRING=1 always uses a private keyring; =0 never does.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, constants as fsConstants, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { constants, tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

const MARK = 'RAMPART_IN_PRIVATE_KEYRING';
const cmd = process.argv.slice(2);
if (cmd.length === 0) {
  console.error('usage: node scripts/with-keyring.mjs <command> [args...]');
  process.exit(2);
}

function which(bin) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    try {
      accessSync(join(dir, bin), fsConstants.X_OK);
      return true;
    } catch {
      /* not here */
    }
  }
  return false;
}

/** Writes and deletes a probe item in a child (it may hang on an unlock prompt; 10 s cap). */
function secretServiceWorks() {
  if (!process.env.DBUS_SESSION_BUS_ADDRESS) return false;
  let keyring;
  try {
    keyring = createRequire(import.meta.url).resolve('@napi-rs/keyring');
  } catch {
    return false;
  }
  const probe = `
    const { Entry } = require(${JSON.stringify(keyring)});
    const e = new Entry('rampart-probe-' + process.pid, 'probe', { linux: { store: 'secret-service' } });
    e.setPassword('probe'); e.deleteCredential();`;
  const r = spawnSync(process.execPath, ['-e', probe], { stdio: 'ignore', timeout: 10_000 });
  return r.status === 0;
}

function run(argv, env) {
  const child = spawn(argv[0], argv.slice(1), { stdio: 'inherit', env, shell: process.platform === 'win32' });
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => child.kill(sig));
  return new Promise((resolve) => {
    child.on('error', (e) => {
      console.error(`with-keyring: cannot run ${argv[0]}: ${e.message}`);
      resolve(127);
    });
    child.on('exit', (code, signal) => resolve(code ?? 128 + (constants.signals[signal] ?? 1)));
  });
}

const force = process.env.RAMPART_PRIVATE_KEYRING;
const needPrivate =
  process.platform === 'linux' && force !== '0' && process.env[MARK] !== '1' && (force === '1' || !secretServiceWorks());

if (!needPrivate) process.exit(await run(cmd, process.env));

if (!which('dbus-run-session') || !which('gnome-keyring-daemon')) {
  console.error(
    'with-keyring: no usable Secret Service, and dbus-run-session / gnome-keyring-daemon are not installed\n' +
      '  (Debian/Ubuntu: apt-get install dbus gnome-keyring libsecret-tools). Running without a keychain:\n' +
      '  the OS keystore tests will fail with KEYSTORE_UNAVAILABLE.',
  );
  process.exit(await run(cmd, process.env));
}

// A throwaway keyring: its files and control socket live in a temp dir removed afterwards.
// The whole private session (so also any daemon the bus would auto-activate) sees the temp
// XDG dirs; the command gets the caller's values back.
const tmp = mkdtempSync(join(tmpdir(), 'rampart-keyring-'));
mkdirSync(join(tmp, 'data'), { mode: 0o700 });
mkdirSync(join(tmp, 'run'), { mode: 0o700 });
const script = String.raw`
printf %s "$RK_PASSWORD" | gnome-keyring-daemon --foreground --unlock --components=secrets >/dev/null 2>&1 &
kr=$!
unset RK_PASSWORD
ready=
i=0
while [ $i -lt 200 ]; do
  # NameHasOwner never auto-starts a service; ReadAlias then says whether the login keyring exists.
  if dbus-send --session --print-reply=literal --dest=org.freedesktop.DBus /org/freedesktop/DBus \
       org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q true &&
     dbus-send --session --print-reply=literal --dest=org.freedesktop.secrets /org/freedesktop/secrets \
       org.freedesktop.Secret.Service.ReadAlias string:default 2>/dev/null | grep -q collection; then
    ready=1; break
  fi
  i=$((i + 1)); sleep 0.05
done
[ -n "$ready" ] || { echo "with-keyring: gnome-keyring did not start" >&2; kill $kr 2>/dev/null; exit 1; }
if [ -n "$RK_HAD_DATA" ]; then export XDG_DATA_HOME="$RK_DATA"; else unset XDG_DATA_HOME; fi
if [ -n "$RK_HAD_RUN" ]; then export XDG_RUNTIME_DIR="$RK_RUN"; else unset XDG_RUNTIME_DIR; fi
unset RK_HAD_DATA RK_DATA RK_HAD_RUN RK_RUN
"$@"
rc=$?
kill $kr 2>/dev/null
exit $rc`;
const env = {
  ...process.env,
  [MARK]: '1',
  RK_PASSWORD: randomBytes(16).toString('hex'),
  RK_HAD_DATA: process.env.XDG_DATA_HOME === undefined ? '' : '1',
  RK_DATA: process.env.XDG_DATA_HOME ?? '',
  RK_HAD_RUN: process.env.XDG_RUNTIME_DIR === undefined ? '' : '1',
  RK_RUN: process.env.XDG_RUNTIME_DIR ?? '',
  XDG_DATA_HOME: join(tmp, 'data'),
  XDG_RUNTIME_DIR: join(tmp, 'run'),
};
// No display: an unlock prompt must fail fast instead of popping up.
delete env.DISPLAY;
delete env.WAYLAND_DISPLAY;
const code = await run(['dbus-run-session', '--', 'sh', '-c', script, 'sh', ...cmd], env);
rmSync(tmp, { recursive: true, force: true });
process.exit(code);
