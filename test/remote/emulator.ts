import {spawn} from 'node:child_process';
import {existsSync} from 'node:fs';
import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';

const dir = fileURLToPath(new URL('../gcs-emulator/', import.meta.url));

/** True when test/gcs-emulator/install.sh has run (.ci/run does it; tests skip otherwise). */
export const emulatorInstalled = existsSync(
  join(dir, 'node_modules', 'firebase-tools', 'lib', 'emulator', 'storage', 'index.js'),
);

export const EMULATOR_SKIP_MESSAGE =
  'SKIPPED gs:// remote tests: the GCS emulator is not installed (run test/gcs-emulator/install.sh).';

/** A running emulator; `host` is `http://127.0.0.1:PORT`, the STORAGE_EMULATOR_HOST value. */
export interface RunningEmulator {
  readonly port: number;
  readonly pid: number;
  readonly host: string;
  stop(): Promise<void>;
}

/** Starts test/gcs-emulator/start.mjs on 127.0.0.1, a free port, and its own temp folder. */
export async function startEmulator(): Promise<RunningEmulator> {
  const blobs = await mkdtemp(join(tmpdir(), 'gcs-blobs-'));
  const child = spawn(
    process.execPath,
    [
      join(dir, 'start.mjs'),
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      '--dir',
      blobs,
      '--exit-with-parent',
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const info = await new Promise<{port: number; pid: number}>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(
      () => reject(new Error(`GCS emulator did not start in 30 s: ${stderr}`)),
      30_000,
    );
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line && out.includes('\n')) {
        clearTimeout(timer);
        resolve(JSON.parse(line) as {port: number; pid: number});
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`GCS emulator exited with ${code}: ${stderr}`));
    });
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    port: info.port,
    pid: info.pid,
    host: `http://127.0.0.1:${info.port}`,
    async stop() {
      try {
        process.kill(info.pid, 'SIGTERM');
      } catch {
        // already gone
      }
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      await rm(blobs, {recursive: true, force: true});
    },
  };
}
