import {spawn} from 'node:child_process';
import {readFileSync, writeFileSync} from 'node:fs';
import {request} from 'node:http';
import {join} from 'node:path';
import {createInterface} from 'node:readline';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {fileModelSource, startServer} from '../../runner/src/server/index.js';
import {transpileForChild} from './child-modules.js';
import {fixtureModelPath, trainingRows} from './fixture.js';
import {onCleanup, tempDir} from './helpers.js';

const body = JSON.stringify({instances: [trainingRows[0]!.features]});

describe('on a real port', () => {
  it('binds 127.0.0.1, answers over HTTP and closes', async () => {
    const server = await startServer({
      model: fileModelSource(fixtureModelPath),
      port: 0,
      handleSignals: false,
    });
    onCleanup(() => server.close());
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const address = server.app.server.address();
    expect(typeof address === 'object' && address?.address).toBe('127.0.0.1');

    const res = await fetch(`${server.url}/predict`, {
      method: 'POST',
      headers: {'content-type': 'application/json'},
      body,
    });
    expect(res.status).toBe(200);
    const answer = (await res.json()) as {predictions: {cluster: number}[]};
    expect(answer.predictions[0]?.cluster).toBe(trainingRows[0]!.cluster);
    expect((await fetch(`${server.url}/health`)).status).toBe(200);

    await server.close();
    await expect(fetch(`${server.url}/health`)).rejects.toThrow();
  });
});

describe('SIGTERM', () => {
  let child: {outDir: string; cleanup: () => void};
  beforeAll(() => {
    child = transpileForChild(['runner/src'], ['schemas/model.schema.json']);
  });
  afterAll(() => child.cleanup());

  it('stops accepting, lets the request in flight finish, flushes the log and exits 0', async () => {
    const logDir = tempDir();
    const script = join(child.outDir, 'serve-child.mjs');
    writeFileSync(
      script,
      `import {startServer, fileModelSource} from './runner/src/server/index.js';
const server = await startServer({model: fileModelSource(process.argv[2]), port: 0, logDir: process.argv[3]});
console.log(JSON.stringify({url: server.url}));
await server.closed;
console.log(JSON.stringify({closed: true}));
`,
    );
    const proc = spawn(process.execPath, [script, fixtureModelPath, logDir], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    onCleanup(() => {
      if (proc.exitCode === null) proc.kill('SIGKILL');
    });
    const lines = createInterface({input: proc.stdout});
    const nextMessage = (): Promise<Record<string, unknown>> =>
      new Promise((resolve) => lines.once('line', (l) => resolve(JSON.parse(l))));
    const started = await nextMessage();
    const url = new URL(started['url'] as string);
    const exited = new Promise<number | null>((resolve) => proc.once('exit', resolve));

    // Send half a request, signal the server, then finish the request.
    let refusedWhileClosing: boolean | undefined;
    const answer = new Promise<{status: number; text: string}>((resolve, reject) => {
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          path: '/predict',
          method: 'POST',
          headers: {'content-type': 'application/json', 'content-length': Buffer.byteLength(body)},
        },
        (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () => resolve({status: res.statusCode ?? 0, text}));
        },
      );
      req.on('error', reject);
      req.write(body.slice(0, 20));
      setTimeout(() => {
        proc.kill('SIGTERM');
        setTimeout(async () => {
          // The listener is closed by now: a new connection is refused.
          refusedWhileClosing = await fetch(`${url.origin}/health`).then(
            () => false,
            () => true,
          );
          req.end(body.slice(20));
        }, 300);
      }, 100);
    });
    const {status, text} = await answer;
    expect(refusedWhileClosing).toBe(true);
    expect(status).toBe(200);
    expect(JSON.parse(text).predictions[0].cluster).toBe(trainingRows[0]!.cluster);
    const closedMessage = nextMessage();
    expect(await exited).toBe(0);
    expect(await closedMessage).toEqual({closed: true});
    const log = readFileSync(join(logDir, 'predictions.ndjson'), 'utf8').trim().split('\n');
    expect(log).toHaveLength(1);
    expect(JSON.parse(log[0]!).request.instances).toEqual([trainingRows[0]!.features]);
  });
});
