import {execFileSync} from 'node:child_process';
import {existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {Ajv2020} from 'ajv/dist/2020.js';
import {parse} from 'yaml';

/** Debian's python3 (the first python3 on PATH may be another one). */
export const PYTHON = '/usr/bin/python3';
export const hasPython = existsSync(PYTHON);

/**
 * What `python3 -m py_compile FILE` checks, with the bytecode written to a temp folder rather
 * than a __pycache__ beside the file. Returns python's error text, or '' when it compiles.
 */
export function pyCompileErrors(file: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'runner-pyc-'));
  try {
    execFileSync(
      PYTHON,
      [
        '-c',
        'import py_compile, sys; py_compile.compile(sys.argv[1], cfile=sys.argv[2], doraise=True)',
        file,
        path.join(dir, 'out.pyc'),
      ],
      {stdio: 'pipe'},
    );
    return '';
  } catch (error) {
    return String((error as {stderr?: Buffer}).stderr ?? error);
  } finally {
    rmSync(dir, {recursive: true, force: true});
  }
}

/** Argo's published schema (argoproj/argo-workflows api/jsonschema/schema.json), shared, not copied. */
export const argoSchemaFile = '/work/shared/schemas/argo-workflows.schema.json';
export const hasArgoSchema = existsSync(argoSchemaFile);

let argoValidate: ReturnType<Ajv2020['compile']> | undefined;

/** Errors of a document against Argo's schema (a Workflow must match its top-level oneOf). */
export function argoSchemaErrors(document: unknown): string[] {
  argoValidate ??= new Ajv2020({strict: false}).compile(
    JSON.parse(readFileSync(argoSchemaFile, 'utf8')) as object,
  );
  if (argoValidate(document)) return [];
  return (argoValidate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`);
}

interface GithubWorkflow {
  on: Record<string, unknown>;
  jobs: Record<string, {name: string; needs?: string[]; steps: {uses?: string; run?: string}[]}>;
}

/** Parses a GitHub workflow; lists every `needs` that names no job. */
export function githubProblems(text: string): {workflow: GithubWorkflow; problems: string[]} {
  const workflow = parse(text) as GithubWorkflow;
  const ids = new Set(Object.keys(workflow.jobs));
  const problems = Object.entries(workflow.jobs).flatMap(([id, job]) =>
    (job.needs ?? []).filter((need) => !ids.has(need)).map((need) => `${id} needs ${need}`),
  );
  return {workflow, problems};
}
