/**
 * Crash-safe file writes for the file keystore: write a temp file in the same directory,
 * fsync it, rename (or hard-link, for create-only) it over the target, fsync the directory.
 * After a crash the target holds either the old or the new bytes; a leftover `.<name>.<hex>.tmp`
 * file is ignored by readers (they only read `keystore.json` and `<64 hex>.sec`).
 */
import { randomBytes } from 'node:crypto';
import { link, open, rename, unlink } from 'node:fs/promises';
import { platform } from 'node:os';
import { join } from 'node:path';

/** Makes a directory's entries (renames, links, unlinks) durable. No-op where unsupported (Windows). */
export async function fsyncDir(dir: string): Promise<void> {
  if (platform() === 'win32') return;
  const d = await open(dir, 'r');
  try {
    await d.sync();
  } catch (e) {
    // Some filesystems refuse fsync on a directory; the rename itself is still atomic there.
    if ((e as NodeJS.ErrnoException).code !== 'EINVAL' && (e as NodeJS.ErrnoException).code !== 'ENOTSUP') throw e;
  } finally {
    await d.close();
  }
}

/**
 * Atomically writes `data` (mode 0600) to `dir/fileName`. With `createOnly`, an existing
 * target is kept and `false` is returned; otherwise it is replaced. Returns `true` if written.
 */
export async function writeFileAtomic(
  dir: string,
  fileName: string,
  data: Uint8Array,
  opts: { createOnly?: boolean } = {},
): Promise<boolean> {
  const tmp = join(dir, `.${fileName}.${randomBytes(8).toString('hex')}.tmp`);
  const target = join(dir, fileName);
  let placed = false;
  try {
    const fh = await open(tmp, 'wx', 0o600);
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    if (opts.createOnly) {
      try {
        await link(tmp, target);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
        throw e;
      }
    } else {
      await rename(tmp, target);
    }
    placed = true;
  } finally {
    // After a rename the temp name is gone; after a link (or a failure) it must go.
    if (!placed || opts.createOnly) await unlink(tmp).catch(() => undefined);
  }
  await fsyncDir(dir);
  return true;
}
