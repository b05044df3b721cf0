import {readFileSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import {Ajv} from 'ajv';
import {describe, expect, it} from 'vitest';
import {renderServerSchemas, writeServerSchemas} from '../../runner/src/server/index.js';
import {trainingRows} from './fixture.js';
import {fixtureServer, predict} from './helpers.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('schemas/predict-*.schema.json', () => {
  if (process.env['UPDATE_SCHEMAS'] === '1') writeServerSchemas(root);

  it.each(renderServerSchemas())('$path is what the TypeScript source generates', (file) => {
    const committed = readFileSync(`${root}/${file.path}`, 'utf8');
    // On failure: UPDATE_SCHEMAS=1 npx vitest run test/server/schemas.test.ts
    expect(committed).toBe(file.text);
  });

  it('the committed schemas accept what the server accepts and answers', async () => {
    const ajv = new Ajv({allErrors: true, strict: false});
    const [request, response] = renderServerSchemas().map((f) =>
      ajv.compile(JSON.parse(readFileSync(`${root}/${f.path}`, 'utf8'))),
    );
    const body = {instances: trainingRows.slice(0, 3).map((r) => r.features)};
    expect(request!(body)).toBe(true);
    expect(request!({instances: []})).toBe(false);
    expect(request!({instances: [{Total_Spend: '1'}]})).toBe(false);
    const app = await fixtureServer();
    const answer = (
      await predict(app, {
        instances: [...body.instances, {PC1: 0, PC2: 0, PC3: 0, PC4: 0, PC5: 0, PC6: 0}],
      })
    ).json();
    expect(response!(answer)).toBe(true);
  });
});
