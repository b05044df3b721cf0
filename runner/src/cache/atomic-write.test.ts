import {spawn} from 'node:child_process';
import {mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {setTimeout as sleep} from 'node:timers/promises';
import {afterAll, afterEach, beforeAll, beforeEach, describe, expect, it} from 'vitest';
import {compileForChild} from '../../../test/support/compile-for-child.js';
import {writeFileAtomic} from './atomic-write.js';
import {removeStaleTemps, tempNameOwner, tempPathFor} from './temp-files.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'atomic-write-'));
});
afterEach(() => rmSync(dir, {recursive: true, force: true}));

describe('temp names', () => {
  it('sit beside the target, hidden, and name their owner', () => {
    const temp = tempPathFor(path.join(dir, 'pipeline.lock'));
    expect(path.dirname(temp)).toBe(dir);
    expect(path.basename(temp)).toMatch(/^\.pipeline\.lock\.runner-tmp\.\d+\.[0-9a-f]{8}$/);
    expect(tempNameOwner(path.basename(temp))).toBe(process.pid);
    expect(tempNameOwner('pipeline.lock')).toBeUndefined();
    expect(tempNameOwner('.data.runner-old.12.0badf00d')).toBe(12);
  });
});

describe('writeFileAtomic', () => {
  it('replaces the content and applies an explicit mode', async () => {
    const file = path.join(dir, 'f.json');
    writeFileSync(file, 'old');
    await writeFileAtomic(file, 'new', {mode: 0o444, fsync: true});
    expect(readFileSync(file, 'utf8')).toBe('new');
    expect(statSync(file).mode & 0o777).toBe(0o444);
    expect(readdirSync(dir)).toEqual(['f.json']);
  });

  it('leaves the old file and no temp when the write fails', async () => {
    const file = path.join(dir, 'missing-folder', 'f.json');
    await expect(writeFileAtomic(file, 'x')).rejects.toMatchObject({code: 'ENOENT'});
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('a writer killed with SIGKILL at any moment', () => {
  let compiled: {outDir: string; cleanup: () => void};
  beforeAll(() => {
    compiled = compileForChild([
      'runner/src/cache',
      'runner/src/lock',
      'runner/src/util',
      'runner/src/hashing',
    ]);
    writeFileSync(
      path.join(compiled.outDir, 'writer.mjs'),
      `import {writeFileAtomic} from './runner/src/cache/atomic-write.js';
const [file] = process.argv.slice(2);
process.stdout.write('ready\\n');
for (let i = 0; ; i++) {
  // Big enough that a kill often lands mid-write.
  await writeFileAtomic(file, JSON.stringify({i, pad: String(i % 10).repeat(2_000_000)}));
}
`,
    );
  });
  afterAll(() => compiled.cleanup());

  it('leaves a whole old or new file, and temps that the next run removes', async () => {
    const file = path.join(dir, 'state.json');
    writeFileSync(file, JSON.stringify({i: -1, pad: ''}));
    for (let round = 0; round < 6; round++) {
      const child = spawn(process.execPath, [path.join(compiled.outDir, 'writer.mjs'), file], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      await new Promise((resolve) => child.stdout.once('data', resolve));
      await sleep(30 + round * 37);
      const exited = new Promise((resolve) => child.on('exit', resolve));
      child.kill('SIGKILL');
      await exited;
      // Parses, and is one of the writer's complete versions.
      const content = JSON.parse(readFileSync(file, 'utf8')) as {i: number; pad: string};
      expect(content.pad).toBe(content.i < 0 ? '' : String(content.i % 10).repeat(2_000_000));
    }
    await removeStaleTemps(dir);
    expect(readdirSync(dir)).toEqual(['state.json']);
  }, 60_000);
});
