/**
 * When a bench step runs far longer than it should, asks each child process
 * for a Node diagnostic report and prints where its JavaScript is: a stalled
 * reshare then says which process stopped and in which function, instead of
 * only timing out minutes later. Children must be started with `reportArgs`.
 * Node answers from its event loop, so a process whose loop does not turn
 * (JavaScript that never yields, or a thread stuck in native code) gives no
 * report; for every process the kernel's view (/proc: state, CPU used while
 * waiting, wchan; Linux) says which of the two it is.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where reports go: one directory per bench process, kept only if a stall was reported. */
const REPORT_DIR = mkdtempSync(join(tmpdir(), 'rampart-bench-reports-'));
let reported = false;
process.on('exit', () => {
  if (!reported) rmSync(REPORT_DIR, { recursive: true, force: true });
});

/** Node options for a child process that should answer a stall report (SIGUSR2). */
export function reportArgs(): string[] {
  return ['--report-on-signal', `--report-directory=${REPORT_DIR}`];
}

interface NodeReport {
  header?: { processId?: number };
  javascriptStack?: { message?: string; stack?: string[] };
}

/** CPU ms (user + system) and scheduler state of a process, from /proc (Linux); undefined elsewhere. */
function kernelState(pid: number): { cpuMs: number; state: string; wchan: string } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const wchan = readFileSync(`/proc/${pid}/wchan`, 'utf8');
    return { cpuMs: (Number(fields[11]) + Number(fields[12])) * 10, state: fields[0] ?? '?', wchan: wchan === '' || wchan === '0' ? '-' : wchan };
  } catch {
    return undefined;
  }
}

/** One line on what the kernel saw over the wait: spinning (CPU grew by about the wait) or asleep, and where. */
function kernelLine(pid: number, cpuBefore: number | undefined, waitedMs: number): string {
  const now = kernelState(pid);
  if (now === undefined) return 'no /proc entry';
  const used = cpuBefore === undefined ? undefined : now.cpuMs - cpuBefore;
  const busy = used === undefined ? '' : used > waitedMs / 2 ? `, busy (${used} ms CPU in ${waitedMs} ms)` : `, mostly idle (${used} ms CPU in ${waitedMs} ms)`;
  return `state ${now.state}${busy}, wchan ${now.wchan}`;
}

async function describe(what: string, afterMs: number, pids: readonly number[], log: (line: string) => void): Promise<void> {
  reported = true;
  log(`  ${what}: still running after ${afterMs} ms; asking each process where it is (reports in ${REPORT_DIR})`);
  const before = new Set(readdirSync(REPORT_DIR));
  const cpuBefore = new Map(pids.map((pid) => [pid, kernelState(pid)?.cpuMs]));
  const waitMs = 3_000;
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGUSR2');
    } catch {
      log(`    pid ${pid}: gone`);
    }
  }
  await new Promise((r) => setTimeout(r, waitMs));
  const answered = new Set<number>();
  for (const file of readdirSync(REPORT_DIR).filter((f) => !before.has(f))) {
    try {
      const report = JSON.parse(readFileSync(join(REPORT_DIR, file), 'utf8')) as NodeReport;
      const pid = report.header?.processId ?? 0;
      answered.add(pid);
      const stack = (report.javascriptStack?.stack ?? []).slice(0, 8).map((f) => `      ${f.trim()}`);
      const message = report.javascriptStack?.message ?? '';
      log(`    pid ${pid} (${kernelLine(pid, cpuBefore.get(pid), waitMs)}): ${stack.length === 0 && message === '' ? 'event loop idle (waiting for I/O or timers)' : message}`);
      for (const line of stack) log(line);
    } catch (e) {
      log(`    ${file}: unreadable report (${(e as Error).message})`);
    }
  }
  // Node answers the signal from its event loop: no report means JavaScript that never yields, or a thread stuck in native code.
  for (const pid of pids.filter((p) => !answered.has(p))) log(`    pid ${pid}: no report, its event loop did not turn (${kernelLine(pid, cpuBefore.get(pid), waitMs)})`);
}

/**
 * Starts a watch over a step: if it is still running after `afterMs`, the
 * processes `pids()` are asked once for their stacks. Returns the function
 * that ends the watch (call it when the step is done, however it ends).
 */
export function watchStall(what: string, afterMs: number, pids: () => readonly number[], log: (line: string) => void): () => void {
  const timer = setTimeout(() => void describe(what, afterMs, pids(), log), afterMs);
  timer.unref();
  return () => clearTimeout(timer);
}
