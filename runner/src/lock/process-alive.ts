import {readFileSync} from 'node:fs';

/**
 * Whether a process of this host is still running. `since` (ms since the epoch) is when that
 * process claimed something; on Linux a process that started after it is a different process that
 * reuses the PID, so the claimant is dead. Zombies (killed, not yet reaped) count as dead.
 */
export function isProcessAlive(pid: number, since?: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  const linux = linuxProcessInfo(pid);
  if (linux === undefined) return true;
  if (linux.state === 'Z' || linux.state === 'X') return false;
  // One second of slack: the boot time and start ticks are coarse.
  if (since !== undefined && linux.startedAtMs !== undefined && linux.startedAtMs > since + 1000) {
    return false;
  }
  return true;
}

let bootTimeMs: number | null | undefined;
// USER_HZ is 100 on every architecture Linux supports today.
const CLOCK_TICKS_PER_SECOND = 100;

function linuxProcessInfo(
  pid: number,
): {state: string; startedAtMs: number | undefined} | undefined {
  if (process.platform !== 'linux') return undefined;
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) may contain spaces and parentheses: split after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const state = fields[0] ?? '';
  const startTicks = Number(fields[19]);
  const boot = bootTime();
  const startedAtMs =
    boot === null || !Number.isFinite(startTicks)
      ? undefined
      : boot + (startTicks * 1000) / CLOCK_TICKS_PER_SECOND;
  return {state, startedAtMs};
}

function bootTime(): number | null {
  if (bootTimeMs !== undefined) return bootTimeMs;
  try {
    const match = /^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'));
    bootTimeMs = match ? Number(match[1]) * 1000 : null;
  } catch {
    bootTimeMs = null;
  }
  return bootTimeMs;
}
