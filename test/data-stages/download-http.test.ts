import {createHash} from 'node:crypto';
import {existsSync, readdirSync, readFileSync, statSync, createReadStream} from 'node:fs';
import {createServer, type Server} from 'node:http';
import type {AddressInfo} from 'node:net';
import {join, resolve} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import download from '../../plugins/download/index.js';
import {query, readParquet, runStage, tempDir} from './run-stage.js';

const UCI_ZIP = '/work/shared/data/online+retail.zip';
const hasUci = existsSync(UCI_ZIP);
if (!hasUci)
  console.warn(`download-http: ${UCI_ZIP} is absent; skipping the UCI-zip-over-HTTP tests.`);

const TINY = readFileSync(resolve(import.meta.dirname, '../fixtures/data/tiny-retail.zip'));
const TINY_SHA = createHash('sha256').update(TINY).digest('hex');

/** A real HTTP server on 127.0.0.1 whose paths misbehave on purpose; counts requests per path. */
function startServer(): Promise<{server: Server; base: string; hits: Map<string, number>}> {
  const hits = new Map<string, number>();
  const server = createServer((req, res) => {
    const path = req.url ?? '/';
    const n = (hits.get(path) ?? 0) + 1;
    hits.set(path, n);
    const send = (body: Buffer): void => {
      res.writeHead(200, {'content-type': 'application/zip', 'content-length': body.length});
      res.end(body);
    };
    if (path === '/tiny.zip') return send(TINY);
    if (path === '/flaky.zip') {
      if (n === 1) {
        res.writeHead(503, 'Service Unavailable');
        return res.end('try later');
      }
      return send(TINY);
    }
    if (path === '/reset.zip' && n === 1) return req.socket.destroy();
    if (path === '/reset.zip') return send(TINY);
    if (path === '/always-503.zip') {
      res.writeHead(503, 'Service Unavailable');
      return res.end();
    }
    if (path === '/truncated.zip') {
      res.writeHead(200, {'content-type': 'application/zip', 'content-length': TINY.length});
      res.write(TINY.subarray(0, 2000));
      setTimeout(() => res.socket?.destroy(), 20);
      return;
    }
    if (path === '/stalls.zip') {
      // headers and a first chunk, then silence
      res.writeHead(200, {'content-type': 'application/zip', 'content-length': TINY.length});
      res.write(TINY.subarray(0, 100));
      return;
    }
    if (path === '/uci.zip' || (path === '/uci-flaky.zip' && n > 1)) {
      res.writeHead(200, {
        'content-type': 'application/zip',
        'content-length': statSync(UCI_ZIP).size,
      });
      createReadStream(UCI_ZIP).pipe(res);
      return;
    }
    if (path === '/uci-flaky.zip') {
      res.writeHead(502, 'Bad Gateway');
      return res.end();
    }
    res.writeHead(404, 'Not Found');
    res.end('no such file');
  });
  return new Promise((done) => {
    server.listen(0, '127.0.0.1', () => {
      const {port} = server.address() as AddressInfo;
      done({server, base: `http://127.0.0.1:${port}`, hits});
    });
  });
}

describe('download over HTTP (a local server)', () => {
  let server: Server;
  let base: string;
  let hits: Map<string, number>;
  const {dir, cleanup} = tempDir();
  const fast = {retries: 2, retryDelayMs: 10, timeoutMs: 5_000};
  beforeAll(async () => ({server, base, hits} = await startServer()));
  afterAll(async () => {
    await new Promise((done) => server.close(done));
    cleanup();
  });

  let n = 0;
  async function attempt(url: string, extra: Record<string, unknown> = {}) {
    const out = join(dir, `out-${n++}.parquet`);
    const error = await runStage(download, {params: {url, ...fast, ...extra}, outs: [out]}).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    return {out, error};
  }

  it('downloads, checks the sha256 and reads the zip', async () => {
    const {out, error} = await attempt(`${base}/tiny.zip`, {sha256: TINY_SHA});
    expect(error).toBeUndefined();
    expect(await readParquet(out)).toHaveLength(6);
  });

  it('retries a 503 and a connection reset, then succeeds', async () => {
    const flaky = await attempt(`${base}/flaky.zip`);
    expect(flaky.error).toBeUndefined();
    expect(hits.get('/flaky.zip')).toBe(2);
    const reset = await attempt(`${base}/reset.zip`);
    expect(reset.error).toBeUndefined();
    expect(hits.get('/reset.zip')).toBe(2);
    expect(await readParquet(reset.out)).toHaveLength(6);
  });

  it('gives up on a persistent 5xx after the configured retries', async () => {
    const {error, out} = await attempt(`${base}/always-503.zip`);
    expect(error?.message).toMatch(
      /HTTP 503 Service Unavailable from http:.*always-503\.zip.*gave up after 3 attempts/,
    );
    expect(hits.get('/always-503.zip')).toBe(3);
    expect(existsSync(out)).toBe(false);
  });

  it('fails clearly on a truncated body and leaves nothing behind', async () => {
    const {error, out} = await attempt(`${base}/truncated.zip`, {retries: 1});
    expect(error?.message).toMatch(
      new RegExp(`truncated body from .*truncated\\.zip: received 2000 of ${TINY.length} bytes`),
    );
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir).filter((f) => !f.startsWith('out-'))).toEqual([]);
  });

  it('fails clearly on a wrong sha256', async () => {
    const {error, out} = await attempt(`${base}/tiny.zip`, {sha256: 'ab'.repeat(32)});
    expect(error?.message).toContain(`expected sha256 ${'ab'.repeat(32)}, got ${TINY_SHA}`);
    expect(existsSync(out)).toBe(false);
  });

  it('does not retry a 404', async () => {
    const {error} = await attempt(`${base}/missing.zip`);
    expect(error?.message).toMatch(
      /HTTP 404 Not Found from http:\/\/127\.0\.0\.1:\d+\/missing\.zip.*not retried/,
    );
    expect(hits.get('/missing.zip')).toBe(1);
  });

  it('times out a stalled transfer, and retries it', async () => {
    const {error, out} = await attempt(`${base}/stalls.zip`, {timeoutMs: 1000, retries: 1});
    expect(error?.message).toMatch(
      /stalls\.zip: received 100 of \d+ bytes.*no data for 1000 ms.*gave up after 2 attempts/,
    );
    // (on a loaded machine the first attempt may time out before its request arrives)
    expect(hits.get('/stalls.zip')).toBeGreaterThanOrEqual(1);
    expect(existsSync(out)).toBe(false);
  });

  it('stops promptly when the run is aborted', async () => {
    const controller = new AbortController();
    const out = join(dir, 'aborted.parquet');
    const started = runStage(download, {
      params: {url: `${base}/stalls.zip`, ...fast, timeoutMs: 60_000},
      outs: [out],
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(new Error('run interrupted')), 200);
    await expect(started).rejects.toThrow(/interrupted|abort/i);
    expect(existsSync(out)).toBe(false);
  });

  describe.skipIf(!hasUci)('the UCI zip', () => {
    it('downloads it after a 502 and writes all 541,909 rows', async () => {
      const {error, out} = await attempt(`${base}/uci-flaky.zip`);
      expect(error).toBeUndefined();
      expect(hits.get('/uci-flaky.zip')).toBe(2);
      const [first] = await query(
        `SELECT count(*) OVER () AS n, * FROM read_parquet('${out}') LIMIT 1`,
      );
      expect(first).toMatchObject({
        n: '541909',
        InvoiceNo: '536365',
        StockCode: '85123A',
        CustomerID: 17850,
      });
    });
  });
});
