import {readdirSync, readFileSync, statSync} from 'node:fs';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {RotatingFile} from '../../runner/src/server/prediction-log/rotating-file.js';
import {trainingRows} from './fixture.js';
import {fixtureServer, predict, tempDir} from './helpers.js';

describe('prediction log', () => {
  it('appends one NDJSON line per request: time, model version, request and answer as sent', async () => {
    const logDir = tempDir();
    const app = await fixtureServer({logDir});
    const rows = trainingRows.slice(0, 3);
    const pcs = {PC1: 1, PC2: 0, PC3: 0, PC4: 0, PC5: 0, PC6: 0};
    const first = await predict(app, {instances: [...rows.map((r) => r.features), pcs]});
    // Pretty-printed bodies still make one line.
    const second = await predict(app, JSON.stringify({instances: [pcs]}, null, 2));
    await predict(app, {instances: []}); // refused requests are not predictions
    await app.monitor.log?.flush();
    const lines = readFileSync(join(logDir, 'predictions.ndjson'), 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    const records = lines.map((l) => JSON.parse(l));
    for (const record of records) {
      expect(Date.parse(record.t)).not.toBeNaN();
      expect(record.model).toBe(app.models.current.version);
    }
    expect(records[0].request).toEqual({instances: [...rows.map((r) => r.features), pcs]});
    expect(records[0].response).toEqual(first.json());
    expect(records[1].request).toEqual({instances: [pcs]});
    expect(records[1].response).toEqual(second.json());
    expect(records[0].response.predictions[3].is_outlier).toBeNull();
  });

  it('appends across restarts', async () => {
    const logDir = tempDir();
    for (let i = 0; i < 2; i++) {
      const app = await fixtureServer({logDir});
      await predict(app, {instances: [trainingRows[i]!.features]});
      await app.close();
    }
    const lines = readFileSync(join(logDir, 'predictions.ndjson'), 'utf8').trimEnd().split('\n');
    expect(lines.map((l) => JSON.parse(l).request.instances[0])).toEqual([
      trainingRows[0]!.features,
      trainingRows[1]!.features,
    ]);
  });

  it('rotates by size and keeps a bounded number of files, newest lines last', async () => {
    const logDir = tempDir();
    const app = await fixtureServer({logDir, logRotation: {maxBytes: 4000, maxFiles: 3}});
    for (const row of trainingRows.slice(0, 60)) await predict(app, {instances: [row.features]});
    await app.close();
    const files = readdirSync(logDir).sort();
    expect(files).toEqual(['predictions.ndjson', 'predictions.ndjson.1', 'predictions.ndjson.2']);
    for (const f of files) expect(statSync(join(logDir, f)).size).toBeLessThanOrEqual(4000);
    const ordered = ['predictions.ndjson.2', 'predictions.ndjson.1', 'predictions.ndjson'];
    const kept = ordered.flatMap((f) =>
      readFileSync(join(logDir, f), 'utf8')
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l).request.instances[0]),
    );
    expect(kept.length).toBeLessThan(60);
    expect(kept).toEqual(trainingRows.slice(60 - kept.length, 60).map((r) => r.features));
  });

  it('drops (and counts) lines instead of growing without bound when the disk lags', async () => {
    const dir = tempDir();
    const log = new RotatingFile({path: join(dir, 'x.ndjson'), maxPendingBytes: 100});
    for (let i = 0; i < 10; i++) log.append('y'.repeat(30));
    expect(log.dropped).toBe(7);
    await log.close();
    expect(readFileSync(join(dir, 'x.ndjson'), 'utf8')).toBe(`${'y'.repeat(30)}\n`.repeat(3));
  });
});
