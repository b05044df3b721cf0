import {createInterface} from 'node:readline';
import type {Readable} from 'node:stream';
import type {Reason} from '../events/event.js';

export interface CmdRunOptions {
  readonly commands: readonly string[];
  readonly cwd: string;
  readonly stage: string;
  readonly signal: AbortSignal;
  readonly onLine: (stream: 'stdout' | 'stderr', line: string) => void;
}

/** How long a stopped command gets between SIGTERM and SIGKILL. */
const KILL_GRACE_MS = 3000;

/**
 * Runs a cmd stage's commands one after the other through a shell, stopping at the first
 * failure. Each command leads its own process group so that stopping the stage also stops
 * whatever the shell started (a `sleep`, a Python child...), not only the shell.
 */
export async function runCommands(options: CmdRunOptions): Promise<Reason | undefined> {
  // Loaded on first use: a run with nothing to execute never pays for it.
  const {execa} = await import('execa');
  for (const command of options.commands) {
    if (options.signal.aborted) return {kind: 'run-stopped'};
    // With `shell: true` the whole string is the shell script, as in dvc.yaml.
    const child = execa(command, {
      shell: true,
      cwd: options.cwd,
      env: {RUNNER_STAGE: options.stage},
      detached: true,
      reject: false,
      buffer: false,
      stdin: 'ignore',
    });
    const stopGroup = (): void => {
      if (child.pid === undefined) return;
      killGroup(child.pid, 'SIGTERM');
      setTimeout(() => killGroup(child.pid ?? 0, 'SIGKILL'), KILL_GRACE_MS).unref();
    };
    options.signal.addEventListener('abort', stopGroup, {once: true});
    // A stage ends with its shell: whatever the shell left behind in its group (a background
    // job, or a child of a shell that was killed) would keep the output pipes open forever.
    child.on('exit', () => killGroup(child.pid ?? 0, 'SIGKILL'));
    const lines = Promise.all([
      forwardLines(child.stdout, (l) => options.onLine('stdout', l)),
      forwardLines(child.stderr, (l) => options.onLine('stderr', l)),
    ]);
    const result = await child;
    await lines;
    options.signal.removeEventListener('abort', stopGroup);
    if (options.signal.aborted) return {kind: 'run-stopped'};
    if (result.failed) {
      if (result.signal) return {kind: 'killed', signal: result.signal};
      if (result.exitCode !== undefined) return {kind: 'exit-non-zero', code: result.exitCode};
      return {kind: 'spawn-error', message: result.shortMessage ?? 'the command could not start'};
    }
  }
  return undefined;
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  if (pid <= 0) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

async function forwardLines(
  stream: Readable | null,
  onLine: (line: string) => void,
): Promise<void> {
  if (!stream) return;
  const reader = createInterface({input: stream, crlfDelay: Infinity});
  for await (const line of reader) onLine(line);
}
