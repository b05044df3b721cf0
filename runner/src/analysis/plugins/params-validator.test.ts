import {existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterAll, describe, expect, test} from 'vitest';
import {cacheKey} from './params-validator.js';
import {validatePluginParams} from './plugin-params.js';

const dir = mkdtempSync(path.join(tmpdir(), 'runner-validators-'));
afterAll(() => rmSync(dir, {recursive: true, force: true}));

const span = {offset: 0, length: 0};
const schema = (title: string) => ({
  title,
  type: 'object',
  properties: {name: {type: 'string', minLength: 3}, n: {type: 'integer', default: 1}},
  additionalProperties: false,
});

describe('cached params validators', () => {
  test('are written on first use and give the same answers', async () => {
    const s = schema('written');
    const data = {name: 'abc'};
    expect(await validatePluginParams('p', s, data, undefined, span, dir)).toEqual([]);
    expect(data).toEqual({name: 'abc', n: 1});
    const file = path.join(dir, `${cacheKey(s)}.mjs`);
    expect(existsSync(file)).toBe(true);
    const module = (await import(`${path.join(dir, `${cacheKey(s)}.mjs`)}?check`)) as {
      default: (d: unknown) => boolean;
    };
    expect(module.default({name: 'ab'})).toBe(false);
    expect(module.default({name: 'abcd'})).toBe(true);
    expect(readFileSync(file, 'utf8')).not.toContain('require(');
  });

  test('a damaged cache entry that throws falls back to compiling', async () => {
    const s = schema('damaged');
    writeFileSync(
      path.join(dir, `${cacheKey(s)}.mjs`),
      'export default function () { throw new TypeError("func2 is not a function"); }\n',
    );
    const problems = await validatePluginParams('p', s, {name: 'ab'}, undefined, span, dir);
    expect(problems).toEqual([
      {
        message:
          'Param "name" of plugin "p" must NOT have fewer than 3 characters, but is a string ("ab").',
        span,
      },
    ]);
  });

  test('an unreadable cache entry is replaced', async () => {
    const s = schema('garbage');
    const file = path.join(dir, `${cacheKey(s)}.mjs`);
    writeFileSync(file, 'this is not javascript');
    expect(await validatePluginParams('p', s, {name: 'abc'}, undefined, span, dir)).toEqual([]);
    expect(readFileSync(file, 'utf8')).toContain('export');
  });

  const dist = new URL('../../../../dist/', import.meta.url);
  test.skipIf(!existsSync(new URL('plugins/', dist)))(
    'the build ships a validator for every built-in plugin (npm run build)',
    async () => {
      const builtins = new URL('plugins/', dist);
      const names = readdirSync(builtins).filter((n) =>
        existsSync(new URL(`${n}/index.js`, builtins)),
      );
      expect(names).toContain('train');
      for (const name of names) {
        const plugin = (await import(new URL(`${name}/index.js`, builtins).href)) as {
          default: {params: Record<string, unknown>};
        };
        const shipped = new URL(`validators/${cacheKey(plugin.default.params)}.mjs`, dist);
        expect(existsSync(shipped), `${name}'s shipped validator`).toBe(true);
      }
    },
  );
});

const messages = (problems: Awaited<ReturnType<typeof validatePluginParams>>) =>
  'brokenSchema' in problems ? [problems.brokenSchema] : problems.map((p) => p.message);

describe('params messages', () => {
  const choice = {
    type: 'object',
    properties: {
      k: {anyOf: [{const: 'auto'}, {type: 'integer', minimum: 2}]},
      range: {type: 'array', items: {type: 'integer'}},
      rate: {type: 'number'},
    },
  };

  test('anyOf failures are one message listing the alternatives', async () => {
    const problems = await validatePluginParams('p', choice, {k: 1}, undefined, span, undefined);
    expect(messages(problems)).toEqual([
      'Param "k" of plugin "p" must be "auto" or >= 2, but is an integer (1).',
    ]);
  });

  test('list items are named with [index]; values are shown after ${}', async () => {
    const problems = await validatePluginParams(
      'p',
      choice,
      {range: [2, 'x'], rate: 'fast'},
      undefined,
      span,
      undefined,
    );
    expect(messages(problems)).toEqual([
      'Param "range[1]" of plugin "p" must be a whole number, but is a string ("x").',
      'Param "rate" of plugin "p" must be a number, but is a string ("fast").',
    ]);
  });
});
