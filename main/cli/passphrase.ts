/** Passphrases for the file keystore (DESIGN §7): RAMPART_PASSPHRASE, or a prompt on a terminal. */
import { createInterface } from 'node:readline';
import { RampartError } from '../../shared/errors.js';

function ask(question: string): Promise<string> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    const out = rl as unknown as { _writeToOutput?: (s: string) => void };
    out._writeToOutput = (s: string) => {
      // Echo the question only, never the typed characters.
      if (s.includes(question)) process.stderr.write(question);
    };
    rl.question(question, (answer) => {
      rl.close();
      process.stderr.write('\n');
      resolve(answer);
    });
  });
}

/**
 * A backup passphrase (DESIGN §6): RAMPART_BACKUP_PASSPHRASE, else RAMPART_PASSPHRASE, else asked on
 * the terminal (twice when `confirm`, for a new backup). Its strength is judged by the device.
 */
export async function backupPassphrase(confirm: boolean): Promise<string> {
  const env = process.env.RAMPART_BACKUP_PASSPHRASE ?? process.env.RAMPART_PASSPHRASE;
  if (env !== undefined && env !== '') return env;
  if (!process.stdin.isTTY) throw new RampartError('PASSPHRASE_MISSING', 'set RAMPART_BACKUP_PASSPHRASE (or RAMPART_PASSPHRASE) or run on a terminal to type the backup passphrase');
  const first = await ask('Backup passphrase: ');
  if (confirm && (await ask('Backup passphrase again: ')) !== first) throw new RampartError('PASSPHRASE_WRONG', 'the two passphrases differ');
  return first;
}

/** The passphrase: from the environment, else asked (twice when `confirm`); PASSPHRASE_MISSING without a terminal. */
export async function passphrase(confirm: boolean): Promise<string> {
  const env = process.env.RAMPART_PASSPHRASE;
  if (env !== undefined && env !== '') return env;
  if (!process.stdin.isTTY) throw new RampartError('PASSPHRASE_MISSING', 'set RAMPART_PASSPHRASE or run on a terminal to type the passphrase');
  const first = await ask('Passphrase: ');
  if (confirm && (await ask('Passphrase again: ')) !== first) throw new RampartError('PASSPHRASE_WRONG', 'the two passphrases differ');
  return first;
}
