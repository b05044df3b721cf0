import {spawn, type ChildProcess} from 'node:child_process';
import {mkdtemp, mkdir, readFile, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import type {RunnerEvent, StageEndEvent} from '../../runner/src/events/event.js';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CLI = path.join(REPO_ROOT, 'runner', 'bin', 'runner.js');

export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Parsed NDJSON lines of stdout (runs with --json). */
  readonly events: readonly RunnerEvent[];
}

/** A temp project folder plus helpers to write files and spawn the compiled CLI in it. */
export class Rig {
  /** Extra environment for every command (e.g. STORAGE_EMULATOR_HOST). */
  env: Record<string, string> = {};

  private constructor(readonly dir: string) {}

  static async create(): Promise<Rig> {
    return new Rig(await mkdtemp(path.join(tmpdir(), 'runner-e2e-')));
  }

  async write(files: Record<string, string>): Promise<void> {
    for (const [name, text] of Object.entries(files)) {
      const file = path.join(this.dir, name);
      await mkdir(path.dirname(file), {recursive: true});
      await writeFile(file, text);
    }
  }

  read(name: string): Promise<string> {
    return readFile(path.join(this.dir, name), 'utf8');
  }

  async readOr(name: string, fallback: string): Promise<string> {
    try {
      return await this.read(name);
    } catch {
      return fallback;
    }
  }

  /** Starts the CLI; resolve the returned promise for its result. */
  start(args: readonly string[]): {child: ChildProcess; done: Promise<CliResult>} {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: this.dir,
      env: {...process.env, FORCE_COLOR: '0', NO_COLOR: '1', ...this.env},
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const done = new Promise<CliResult>((resolve) => {
      child.on('close', (code, signal) =>
        resolve({code, signal, stdout, stderr, events: parseEvents(stdout)}),
      );
    });
    return {child, done};
  }

  run(...args: string[]): Promise<CliResult> {
    return this.start(args).done;
  }

  async cleanup(): Promise<void> {
    await rm(this.dir, {recursive: true, force: true});
  }
}

export function parseEvents(stdout: string): RunnerEvent[] {
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('{"'))
    .map((line) => JSON.parse(line) as RunnerEvent);
}

/** stage name -> outcome, from a run's events. */
export function outcomes(result: CliResult): Record<string, StageEndEvent['outcome']> {
  const map: Record<string, StageEndEvent['outcome']> = {};
  for (const e of result.events) if (e.type === 'stage') map[e.stage] = e.outcome;
  return map;
}

export function stageEvent(result: CliResult, stage: string): StageEndEvent | undefined {
  return result.events.find((e): e is StageEndEvent => e.type === 'stage' && e.stage === stage);
}

/** Waits until `predicate` holds, polling; for waiting on a child process to reach a point. */
export async function waitFor(
  predicate: () => Promise<boolean> | boolean,
  timeoutMs = 20_000,
): Promise<void> {
  const start = Date.now();
  while (!(await predicate())) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting for a condition');
    await new Promise((r) => setTimeout(r, 25));
  }
}
