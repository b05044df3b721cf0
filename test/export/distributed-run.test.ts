import {execFile} from 'node:child_process';
import {existsSync} from 'node:fs';
import {cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {promisify} from 'node:util';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {parse, parseDocument} from 'yaml';
import {
  EMULATOR_SKIP_MESSAGE,
  emulatorInstalled,
  startEmulator,
  type RunningEmulator,
} from '../remote/emulator.js';

/**
 * The exported Argo DAG run the way a fleet runs it: each task a separate process in its own
 * fresh clone, two at a time, sharing nothing but the GCS test server (and the installed runner,
 * read-only). Its results must equal a plain local repro byte for byte, and a second
 * distributed run must execute no stage.
 */
const execFileAsync = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../..');
const compiled = existsSync(path.join(ROOT, 'dist/runner/src/cli/main.js'));
const ready = emulatorInstalled && compiled;
if (!emulatorInstalled) console.warn(EMULATOR_SKIP_MESSAGE);
if (!compiled) console.warn('SKIPPED distributed run: compile the runner first (npx tsc)');

/** Results compared byte for byte between the distributed and the local run. */
const RESULTS = ['reports/metrics.json', 'models/model.json', 'reports/cleaning.json'];
const GIT = ['-c', 'user.name=export-test', '-c', 'user.email=export-test@localhost'];

interface Task {
  readonly name: string;
  readonly stage: string;
  readonly dependencies: readonly string[];
  readonly argv: readonly string[];
}

/** The installed runner every task uses, frozen for the test (see {@link installRunner}). */
let RUNNER: string;
let emulator: RunningEmulator;
let work: string;
let origin: string;
let clones = 0;

beforeAll(async () => {
  if (!ready) return;
  emulator = await startEmulator();
  work = await mkdtemp(path.join(tmpdir(), 'runner-distributed-'));
  RUNNER = await installRunner(path.join(work, 'runner-install'));
  origin = path.join(work, 'origin');
  await mkdir(origin);
  const pipeline = parseDocument(await readFile(path.join(ROOT, 'pipeline.yaml'), 'utf8'));
  pipeline.set('remotes', {fleet: {url: 'gs://distributed-run/shared'}});
  pipeline.set('default_remote', 'fleet');
  // deploy publishes to the registry and is always_changed: every run runs it, by design.
  pipeline.deleteIn(['stages', 'deploy']);
  const params = (await readFile(path.join(ROOT, 'params.yaml'), 'utf8')).replace(
    /sampleRows: \d+/,
    'sampleRows: 3000',
  );
  await writeFile(path.join(origin, 'pipeline.yaml'), pipeline.toString());
  await writeFile(path.join(origin, 'params.yaml'), params);
  await writeFile(path.join(origin, '.gitignore'), 'data/\nmodels/\nreports/\n.runner/\n');
  await git(origin, 'init', '-q', '-b', 'main');
  await git(origin, 'add', '.');
  await git(origin, 'commit', '-q', '-m', 'pipeline');
}, 120_000);

afterAll(async () => {
  if (!ready) return;
  await emulator.stop();
  await rm(work, {recursive: true, force: true});
});

/**
 * A copy of the compiled runner (dist, package.json, bin; node_modules linked read-only), so
 * every task runs the same build even when the working tree is recompiled meanwhile: a plugin
 * whose code changes between two tasks has another fingerprint, as on a fleet with mixed versions.
 */
async function installRunner(dir: string): Promise<string> {
  await mkdir(path.join(dir, 'runner/bin'), {recursive: true});
  await cp(path.join(ROOT, 'dist'), path.join(dir, 'dist'), {recursive: true});
  await cp(path.join(ROOT, 'package.json'), path.join(dir, 'package.json'));
  await cp(path.join(ROOT, 'runner/bin/runner.js'), path.join(dir, 'runner/bin/runner.js'));
  await symlink(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  return path.join(dir, 'runner/bin/runner.js');
}

async function git(cwd: string, ...args: string[]): Promise<void> {
  await execFileAsync('git', [...GIT, ...args], {cwd});
}

/** A fresh clone of the origin: no cache, no outs, no lock. */
async function freshClone(): Promise<string> {
  const dir = path.join(work, `clone-${++clones}`);
  await git(work, 'clone', '-q', origin, dir);
  return dir;
}

async function runner(cwd: string, argv: readonly string[]): Promise<string> {
  const env = {...process.env, STORAGE_EMULATOR_HOST: emulator.host};
  try {
    const {stdout} = await execFileAsync(process.execPath, [RUNNER, ...argv], {
      cwd,
      env,
      maxBuffer: 64 * 1024 * 1024,
    });
    return stdout;
  } catch (error) {
    const e = error as {stdout?: string; stderr?: string; message: string};
    throw new Error(`runner ${argv.join(' ')} failed in ${cwd}: ${e.message}\n${e.stderr ?? ''}`, {
      cause: error,
    });
  }
}

/** The tasks of the exported Argo Workflow, with their container argv filled in. */
async function exportedTasks(): Promise<Task[]> {
  const text = await runner(origin, ['export', 'argo']);
  const workflow = parse(text) as {
    spec: {
      entrypoint: string;
      templates: {
        name: string;
        dag?: {
          tasks: {
            name: string;
            template: string;
            dependencies?: string[];
            arguments: {parameters: {name: string; value: string}[]};
          }[];
        };
        container?: {command: string[]; args: string[]};
      }[];
    };
  };
  const templates = new Map(workflow.spec.templates.map((t) => [t.name, t]));
  const dag = templates.get(workflow.spec.entrypoint)!.dag!;
  return dag.tasks.map((task) => {
    const stage = task.arguments.parameters.find((p) => p.name === 'stage')!.value;
    const container = templates.get(task.template)!.container!;
    const argv = [...container.command, ...container.args].map((word) =>
      word.replace('{{inputs.parameters.stage}}', stage),
    );
    return {name: task.name, stage, dependencies: task.dependencies ?? [], argv};
  });
}

/**
 * Runs the DAG like an orchestrator: a task starts when its dependencies succeeded, at most
 * `width` at once, each in a fresh clone. `npx runner` is the installed runner; `--json` is added
 * to read each task's outcome. Returns stage -> outcome of the stage each task ran.
 */
async function runDistributed(tasks: readonly Task[], width: number): Promise<Map<string, string>> {
  const outcomes = new Map<string, string>();
  const done = new Set<string>();
  const started = new Set<string>();
  const running = new Map<string, Promise<void>>();
  while (done.size < tasks.length) {
    for (const task of tasks) {
      if (running.size >= width) break;
      if (started.has(task.name) || !task.dependencies.every((d) => done.has(d))) continue;
      started.add(task.name);
      expect(task.argv.slice(0, 3)).toEqual(['npx', 'runner', 'repro']);
      const run = (async () => {
        const clone = await freshClone();
        const stdout = await runner(clone, [...task.argv.slice(2), '--json']);
        for (const line of stdout.split('\n').filter((l) => l.startsWith('{'))) {
          const event = JSON.parse(line) as {type: string; stage?: string; outcome?: string};
          if (event.type === 'stage' && event.stage === task.stage) {
            outcomes.set(task.stage, event.outcome!);
          }
        }
        done.add(task.name);
        running.delete(task.name);
      })();
      running.set(task.name, run);
    }
    if (running.size === 0) throw new Error('the DAG has tasks whose dependencies never finish');
    await Promise.race(running.values());
  }
  return outcomes;
}

describe.skipIf(!ready)('a distributed run of the exported DAG', () => {
  test('equals a local repro byte for byte, and a second distributed run executes nothing', async () => {
    const tasks = await exportedTasks();
    expect(tasks.map((t) => t.stage)).toEqual([
      'download',
      'clean',
      'rfm',
      'seasonality',
      'train',
      'evaluate',
    ]);

    const first = await runDistributed(tasks, 2);
    expect(Object.fromEntries(first)).toEqual(
      Object.fromEntries(tasks.map((t) => [t.stage, 'run'])),
    );

    // The results, fetched into yet another fresh clone: every stage restored, none run.
    const fetched = await freshClone();
    const pulled = await runner(fetched, ['repro', '--pull', '--json']);
    const pulledOutcomes = pulled
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as {type: string; outcome?: string})
      .filter((e) => e.type === 'stage')
      .map((e) => e.outcome);
    expect(pulledOutcomes).toEqual(tasks.map(() => 'cached'));

    const local = await freshClone();
    await runner(local, ['repro', '--json']);
    for (const file of RESULTS) {
      const expected = await readFile(path.join(local, file));
      expect([file, (await readFile(path.join(fetched, file))).equals(expected)]).toEqual([
        file,
        true,
      ]);
    }

    const second = await runDistributed(tasks, 2);
    expect(Object.fromEntries(second)).toEqual(
      Object.fromEntries(tasks.map((t) => [t.stage, 'cached'])),
    );
  }, 900_000);
});
