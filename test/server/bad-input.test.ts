import {describe, expect, it} from 'vitest';
import {fixtureModel, trainingRows} from './fixture.js';
import {componentsInstance, fixtureServer, predict} from './helpers.js';

const good = trainingRows[0]!.features;

describe('POST /predict rejects bad input with a 400 saying what and where', () => {
  it('non-JSON body', async () => {
    const app = await fixtureServer();
    const res = await predict(app, '{"instances": [');
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('invalid-json');
    expect(res.json().message).toMatch(/^The body is not valid JSON/);
  });

  it('NaN and Infinity literals are not JSON', async () => {
    const app = await fixtureServer();
    for (const literal of ['NaN', 'Infinity', '-Infinity']) {
      const res = await predict(app, `{"instances": [{"PC1": ${literal}}]}`);
      expect(res.statusCode).toBe(400);
      expect(res.json().code).toBe('invalid-json');
    }
  });

  it('a number too large for a double (parsed as Infinity)', async () => {
    const app = await fixtureServer();
    const text = JSON.stringify({instances: [{...good}]}).replace(
      /"Total_Spend":[^,}]+/,
      '"Total_Spend":1e999',
    );
    const res = await predict(app, text);
    expect(res.statusCode).toBe(400);
    expect(res.json().problems).toEqual([
      {
        path: 'instances[0].Total_Spend',
        instance: 0,
        field: 'Total_Spend',
        message: 'must be a finite number, got Infinity',
      },
    ]);
  });

  it('wrong content type (415) and no content type (415)', async () => {
    const app = await fixtureServer();
    const text = JSON.stringify({instances: [good]});
    const plain = await app.inject({
      method: 'POST',
      url: '/predict',
      headers: {'content-type': 'text/plain'},
      payload: text,
    });
    expect(plain.statusCode).toBe(415);
    expect(plain.json().code).toBe('unsupported-media-type');
    expect(plain.json().message).toContain('application/json');
    const form = await app.inject({
      method: 'POST',
      url: '/predict',
      headers: {'content-type': 'application/x-www-form-urlencoded'},
      payload: 'instances=1',
    });
    expect(form.statusCode).toBe(415);
  });

  it('strings, null, booleans, arrays and objects as values, naming instance and field', async () => {
    const app = await fixtureServer();
    const res = await predict(app, {
      instances: [
        {...good},
        {...good, Total_Spend: '12'},
        {...good, Hour: null},
        {...good, Is_UK: true, Day_Of_Week: [1]},
      ],
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('invalid-request');
    expect(res.json().problems).toEqual([
      {
        path: 'instances[1].Total_Spend',
        instance: 1,
        field: 'Total_Spend',
        message: 'must be a finite number, got the string "12"',
      },
      {
        path: 'instances[2].Hour',
        instance: 2,
        field: 'Hour',
        message: 'must be a finite number, got null',
      },
      {
        path: 'instances[3].Day_Of_Week',
        instance: 3,
        field: 'Day_Of_Week',
        message: 'must be a finite number, got an array',
      },
      {
        path: 'instances[3].Is_UK',
        instance: 3,
        field: 'Is_UK',
        message: 'must be a finite number, got boolean',
      },
    ]);
    expect(res.json().message).toContain('instances[1].Total_Spend: must be a finite number');
  });

  it('unknown and missing feature names, listed per instance', async () => {
    const app = await fixtureServer();
    const {Total_Spend: _dropped, ...missingOne} = good;
    const res = await predict(app, {
      instances: [good, missingOne, {...good, Total_Spendd: 1}],
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('invalid-instances');
    const [first, second] = res.json().problems;
    expect(first).toMatchObject({
      path: 'instances[1]',
      instance: 1,
      missing: ['Total_Spend'],
      unknown: [],
    });
    expect(first.message).toMatch(
      /^missing Total_Spend: an instance needs exactly the model's 15 features/,
    );
    expect(second).toMatchObject({instance: 2, missing: [], unknown: ['Total_Spendd']});
    expect(second.message).toMatch(/^unknown Total_Spendd:/);
  });

  it('the wrong number of PCA components, or gaps', async () => {
    const app = await fixtureServer();
    const n = fixtureModel.pca.components.length;
    const res = await predict(app, {
      instances: [
        componentsInstance(Array(n - 1).fill(0)),
        componentsInstance(Array(n + 1).fill(0)),
        {...componentsInstance(Array(n - 1).fill(0)), PC9: 1},
      ],
    });
    expect(res.statusCode).toBe(400);
    const problems = res.json().problems;
    expect(
      problems.map((p: {missing: string[]; unknown: string[]}) => [p.missing, p.unknown]),
    ).toEqual([
      [[`PC${n}`], []],
      [[], [`PC${n + 1}`]],
      [[`PC${n}`], ['PC9']],
    ]);
    expect(problems[0].message).toContain(`needs exactly PC1..PC${n}`);
  });

  it('mixing component and feature names in one instance', async () => {
    const app = await fixtureServer();
    const res = await predict(app, {instances: [{...good, PC1: 0}]});
    expect(res.statusCode).toBe(400);
    expect(res.json().problems[0]).toMatchObject({instance: 0, unknown: ['PC1'], missing: []});
  });

  it('empty instances, empty instance, missing instances, wrong top-level shapes', async () => {
    const app = await fixtureServer();
    const cases: [unknown, string, string][] = [
      [{instances: []}, 'instances', 'must not be empty: send at least one instance'],
      [
        {instances: [{}]},
        'instances[0]',
        "is empty: give the model's raw features by name, or PC1..PCn",
      ],
      [{}, 'instances', 'is required'],
      [{instances: [good], extra: 1}, 'extra', 'is not allowed here'],
      [[good], 'body', 'must be an object, got an array'],
      [{instances: good}, 'instances', 'must be an array, got an object'],
      [{instances: [[1, 2]]}, 'instances[0]', 'must be an object, got an array'],
    ];
    for (const [body, path, message] of cases) {
      const res = await predict(app, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().problems, JSON.stringify(body)).toContainEqual(
        expect.objectContaining({path, message}),
      );
    }
  });

  it('empty body', async () => {
    const app = await fixtureServer();
    const res = await predict(app, '');
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('empty-body');
  });

  it('more instances than allowed', async () => {
    const app = await fixtureServer({maxInstances: 10});
    const res = await predict(app, {instances: Array(11).fill(good)});
    expect(res.statusCode).toBe(400);
    expect(res.json().problems[0]).toEqual({
      path: 'instances',
      message: 'has 11 items, at most 10 are allowed per request: split the batch',
    });
    expect((await predict(app, {instances: Array(10).fill(good)})).statusCode).toBe(200);
  });

  it('the default limit is 1,000 instances', async () => {
    const app = await fixtureServer();
    expect((await predict(app, {instances: Array(1001).fill(good)})).statusCode).toBe(400);
    expect((await predict(app, {instances: Array(1000).fill(good)})).statusCode).toBe(200);
  });

  it('a body over the size limit answers 413 (default 10 MB)', async () => {
    const app = await fixtureServer();
    const padding = 'x'.repeat(10 * 1024 * 1024);
    const res = await predict(app, `{"instances": [], "pad": "${padding}"}`);
    expect(res.statusCode).toBe(413);
    expect(res.json().code).toBe('body-too-large');
    const small = await fixtureServer({bodyLimit: 1000});
    const res2 = await predict(small, {instances: Array(20).fill(good)});
    expect(res2.statusCode).toBe(413);
    expect(res2.json().message).toContain('send fewer instances per request');
  });

  it('many bad instances list at most 20 problems and count the rest', async () => {
    const app = await fixtureServer();
    const res = await predict(app, {instances: Array(50).fill({nope: 1})});
    expect(res.statusCode).toBe(400);
    expect(res.json().problems).toHaveLength(20);
    expect(res.json().message).toContain('(and 30 more)');
  });
});
