import {describe, expect, it} from 'vitest';
import type {PipelinePlan} from '../analysis/plan.js';
import {pluginModules, pluginWidth} from './plugin-prewarm.js';

/** A plan of just what the helpers read: order, upstream and the command's kind. */
function plan(stages: [name: string, upstream: string[], module: string | null][]): PipelinePlan {
  return {
    order: stages.map(([name]) => name),
    stages: new Map(
      stages.map(([name, upstream, module]) => [
        name,
        {
          upstream,
          command: module
            ? {type: 'plugin', plugin: {modulePath: module}}
            : {type: 'cmd', cmd: ['true']},
        },
      ]),
    ),
  } as unknown as PipelinePlan;
}

const flagship = plan([
  ['download', [], '/p/download.js'],
  ['clean', ['download'], '/p/clean.js'],
  ['rfm', ['clean'], '/p/rfm.js'],
  ['seasonality', ['clean'], '/p/seasonality.js'],
  ['report', ['clean'], null],
  ['train', ['rfm', 'seasonality', 'clean'], '/p/train.js'],
  ['evaluate', ['train'], '/p/train.js'],
]);
const all = new Set(flagship.order);

describe('plugin workers to start ahead', () => {
  it('as many as the plugin stages on the widest level (commands do not count)', () => {
    expect(pluginWidth(flagship, all)).toBe(2);
    expect(pluginWidth(flagship, new Set(['download', 'rfm', 'train']))).toBe(1);
  });

  it('load each selected plugin module once, in plan order', () => {
    expect(pluginModules(flagship, all)).toEqual([
      '/p/download.js',
      '/p/clean.js',
      '/p/rfm.js',
      '/p/seasonality.js',
      '/p/train.js',
    ]);
    expect(pluginModules(flagship, new Set(['report']))).toEqual([]);
  });
});
