import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {describe, expect, test} from 'vitest';
import {parse} from 'yaml';
import {renderExport} from '../../runner/src/export/command.js';
import type {ExportKind} from '../../runner/src/export/export-source.js';
import {
  argoSchemaErrors,
  githubProblems,
  hasArgoSchema,
  hasPython,
  pyCompileErrors,
} from './validators.js';

/**
 * The export options the committed examples do not use, on the foreach/matrix example.
 * `UPDATE_GOLDEN=1 npx vitest run test/export` rewrites the files after an intended change.
 */
const ROOT = path.resolve(import.meta.dirname, '../..');
const SWEEP = ['-f', 'examples/matrix/pipeline.yaml'];
const GOLDEN: readonly {kind: ExportKind; file: string; options: string[]}[] = [
  {
    kind: 'airflow',
    file: 'test/export/golden/sweep-kubernetes.py',
    options: [
      '--operator',
      'kubernetes',
      '--image',
      'ghcr.io/acme/sweep:1.2.0',
      '--schedule',
      '@daily',
      '--start-date',
      '2025-06-01',
      '-r',
      'shared',
      '--name',
      'sweep_nightly',
    ],
  },
  {
    kind: 'airflow',
    file: 'test/export/golden/sweep-cron.py',
    options: ['--schedule', '30 2 * * 1-5'],
  },
  {
    kind: 'argo',
    file: 'test/export/golden/sweep-image.yaml',
    options: ['--image', 'ghcr.io/acme/sweep:1.2.0', '-r', 'shared'],
  },
  {
    kind: 'github',
    file: 'test/export/golden/sweep-scheduled.yml',
    options: [
      '--schedule',
      '0 3 * * 1',
      '--credentials-secret',
      'SWEEP_SA_KEY',
      '--runs-on',
      'ubuntu-24.04',
    ],
  },
];

if (!hasPython) console.warn('/usr/bin/python3 is missing: the Airflow goldens are not compiled');
if (!hasArgoSchema) console.warn("Argo's schema is not in /work/shared/schemas: not validated");

async function generated(kind: ExportKind, file: string, options: string[]): Promise<string> {
  const rendered = await renderExport(kind, [...SWEEP, '--out', file, ...options, '--check'], ROOT);
  if (!rendered) throw new Error(`examples/matrix/pipeline.yaml does not analyse`);
  if (process.env['UPDATE_GOLDEN'] === '1') writeFileSync(path.join(ROOT, file), rendered.text);
  return rendered.text;
}

describe.each(GOLDEN)('golden: runner export $kind $options', ({kind, file, options}) => {
  test(`equals ${path.basename(file)}`, async () => {
    const text = await generated(kind, file, options);
    expect(text).toBe(readFileSync(path.join(ROOT, file), 'utf8'));
  });
});

describe('golden files are valid for their engine', () => {
  test.skipIf(!hasPython)('the Airflow DAGs compile', async () => {
    for (const {kind, file} of GOLDEN.filter((g) => g.kind === 'airflow')) {
      expect([kind, pyCompileErrors(path.join(ROOT, file))]).toEqual([kind, '']);
    }
    // The check is not vacuous: a DAG with an unclosed bracket fails it.
    const dir = mkdtempSync(path.join(tmpdir(), 'runner-bad-dag-'));
    const bad = path.join(dir, 'bad.py');
    writeFileSync(
      bad,
      readFileSync(path.join(ROOT, GOLDEN[1]!.file), 'utf8').replace(') as dag:', ' as dag:'),
    );
    expect(pyCompileErrors(bad)).toContain('SyntaxError');
    rmSync(dir, {recursive: true, force: true});
  });

  test('the KubernetesPodOperator DAG runs the stage argv in the image, with retries and timeouts', () => {
    const text = readFileSync(path.join(ROOT, GOLDEN[0]!.file), 'utf8');
    expect(text).toContain(
      'from airflow.providers.cncf.kubernetes.operators.pod import KubernetesPodOperator',
    );
    expect(text).toContain('IMAGE = "ghcr.io/acme/sweep:1.2.0"');
    expect(text).toContain('schedule="@daily"');
    expect(text).toContain('start_date=pendulum.datetime(2025, 6, 1, tz="UTC")');
    expect(text).toContain(
      [
        '    train_uk_5 = KubernetesPodOperator(',
        '        task_id="train_uk_5",',
        '        name="train-uk-5",',
        '        image=IMAGE,',
        '        cmds=["npx", "runner", "repro", "-f", "examples/matrix/pipeline.yaml", "train@uk-5", "--single-item", "--pull", "--push", "-r", "shared"],',
        '        get_logs=True,',
        '        retries=2,',
        '        execution_timeout=timedelta(seconds=600),',
        '    )',
      ].join('\n'),
    );
    expect(text).not.toContain('BashOperator');
  });

  test.skipIf(!hasArgoSchema)(
    "the Argo Workflow passes Argo's schema, and a broken one does not",
    () => {
      const workflow = parse(readFileSync(path.join(ROOT, GOLDEN[2]!.file), 'utf8')) as {
        spec: {templates: Record<string, unknown>[]};
      };
      expect(argoSchemaErrors(workflow)).toEqual([]);
      // The validator is not vacuous: a number where Argo's schema wants a string fails.
      const broken = structuredClone(workflow);
      broken.spec.templates[1]!['activeDeadlineSeconds'] = 600;
      expect(argoSchemaErrors(broken)).not.toEqual([]);
    },
  );

  test('the Argo templates carry the retry and timeout policies', () => {
    const workflow = parse(readFileSync(path.join(ROOT, GOLDEN[2]!.file), 'utf8')) as {
      spec: {
        templates: {
          name: string;
          retryStrategy?: unknown;
          activeDeadlineSeconds?: string;
          container?: {image: string; command: string[]; args: string[]};
        }[];
      };
    };
    expect(workflow.spec.templates.map((t) => t.name)).toEqual([
      'pipeline',
      'stage',
      'stage-retries-2-timeout-600s',
      'stage-timeout-90s',
    ]);
    const retried = workflow.spec.templates[2]!;
    expect(retried.retryStrategy).toEqual({limit: '2', retryPolicy: 'Always'});
    expect(retried.activeDeadlineSeconds).toBe('600');
    expect(retried.container).toEqual({
      image: 'ghcr.io/acme/sweep:1.2.0',
      command: ['npx'],
      args: [
        'runner',
        'repro',
        '-f',
        'examples/matrix/pipeline.yaml',
        '{{inputs.parameters.stage}}',
        '--single-item',
        '--pull',
        '--push',
        '-r',
        'shared',
      ],
    });
  });

  test('the scheduled GitHub workflow parses, its needs resolve, and it reads the named secret', () => {
    const text = readFileSync(path.join(ROOT, GOLDEN[3]!.file), 'utf8');
    const {workflow, problems} = githubProblems(text);
    expect(problems).toEqual([]);
    expect(workflow.on).toEqual({workflow_dispatch: null, schedule: [{cron: '0 3 * * 1'}]});
    expect(Object.keys(workflow.jobs)).toHaveLength(11);
    expect(text.match(/KEY: \$\{\{ secrets\.SWEEP_SA_KEY \}\}/g)).toHaveLength(11);
    expect(text.match(/runs-on: ubuntu-24\.04/g)).toHaveLength(11);
  });
});
