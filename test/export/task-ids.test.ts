import {describe, expect, test} from 'vitest';
import {dnsLabels, githubJobIds, pythonIds} from '../../runner/src/export/task-ids.js';

const entries = (ids: Map<string, string>) => Object.fromEntries(ids);

describe('task ids from stage names', () => {
  test('Python identifiers: items, collisions, keywords, leading digits and names the DAG file uses', () => {
    const ids = pythonIds(
      ['train@us-3', 'a-b', 'a_b', 'class', '3d', 'dag', 'ok'],
      new Set(['dag']),
    );
    expect(entries(ids)).toEqual({
      'train@us-3': 'train_us_3',
      'a-b': 'a_b',
      a_b: 'a_b_2',
      class: 'class_stage',
      '3d': 'stage_3d',
      dag: 'dag_2',
      ok: 'ok',
    });
    for (const id of ids.values()) expect(id).toMatch(/^[A-Za-z_][A-Za-z0-9_]*$/);
  });

  test('DNS labels: lower case, no edge dashes, at most 63 characters, unique without regard to case', () => {
    const long = `x${'y'.repeat(80)}`;
    const ids = dnsLabels(['Train@US-3', 'train@us-3', '_prep_', long, '@@']);
    expect(entries(ids)).toEqual({
      'Train@US-3': 'train-us-3',
      'train@us-3': 'train-us-3-2',
      _prep_: 'prep',
      [long]: long.slice(0, 56),
      '@@': 'stage',
    });
    for (const id of ids.values()) expect(id).toMatch(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/);
  });

  test('GitHub job ids: letters, digits, - and _, a letter or _ first, unique without regard to case', () => {
    expect(entries(githubJobIds(['fit@eu-1', 'Fit@EU-1', '2pass', '_x']))).toEqual({
      'fit@eu-1': 'fit-eu-1',
      'Fit@EU-1': 'Fit-EU-1-2',
      '2pass': 'stage-2pass',
      _x: '_x',
    });
  });
});
