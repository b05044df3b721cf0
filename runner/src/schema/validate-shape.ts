import {locate, type DiagnosticCollector} from '../diagnostics/collector.js';
import {didYouMean} from '../diagnostics/suggest.js';
import type {Reason} from '../diagnostics/reasons.js';
import {describeNode, describeType, nodeAtPointer, type LNode} from '../config/located.js';
import {buildPipelineSchema, type PipelineFormat} from './pipeline-schema.js';
import {validateDvc, validateRunner} from './pipeline-validators.generated.js';

/** The subset of ajv's error object the mapping reads. */
interface SchemaError {
  readonly instancePath: string;
  readonly keyword: string;
  readonly params: Record<string, unknown>;
  readonly message?: string;
}

type Validator = ((data: unknown) => boolean) & {errors?: readonly SchemaError[] | null};

const validators: Record<PipelineFormat, Validator> = {
  runner: validateRunner as Validator,
  dvc: validateDvc as Validator,
};

function decode(part: string): string {
  return part.replace(/~1/g, '/').replace(/~0/g, '~');
}

function propertiesOf(schema: unknown): string[] {
  const properties = (schema as {properties?: Record<string, unknown>}).properties;
  return Object.keys(properties ?? {});
}

/** Allowed field names of the mapping at `pointer`, for "unknown field" messages. */
function allowedFields(format: PipelineFormat, parts: readonly string[]): string[] {
  const schema = buildPipelineSchema(format) as {
    properties: Record<string, Record<string, unknown>>;
    definitions: Record<string, Record<string, unknown>>;
  };
  const [top, , third, , fifth] = parts;
  if (parts.length === 0) return propertiesOf(schema);
  if (top === 'stages' && parts.length === 2) {
    return propertiesOf(schema.properties['stages']!['additionalProperties']);
  }
  if (top === 'stages' && parts.length === 3 && third === 'do') {
    return propertiesOf(schema.definitions['stageBody']);
  }
  if (top === 'remotes') return ['url'];
  if (top === 'defaults') return propertiesOf(schema.properties['defaults']);
  const kind = third === 'do' ? fifth : third;
  const definition = schema.definitions[kind === 'plots' ? 'plot' : 'out']!;
  return propertiesOf(definition['additionalProperties']);
}

/** Names the place a JSON pointer stands for, in words. */
export function describePointer(parts: readonly string[]): string {
  const [top, name, ...rest] = parts;
  if (parts.length === 0) return 'the pipeline';
  if (top === 'stages' && name !== undefined) {
    const stage = `stage "${name}"`;
    const body = rest[0] === 'do' ? rest.slice(1) : rest;
    const where = rest[0] === 'do' ? `the "do" body of ${stage}` : stage;
    if (body.length === 0) return where;
    const [field, index, path, option] = body;
    if (body.length === 1) return `"${field}" of ${where}`;
    if (body.length === 2) return `entry ${Number(index) + 1} of "${field}" in ${where}`;
    if (body.length === 3) return `the options of "${path}" in ${where}`;
    return `option "${option}" of "${path}" in ${where}`;
  }
  if (top === 'remotes' && name !== undefined) {
    return rest.length === 0 ? `remote "${name}"` : `"${rest.join('.')}" of remote "${name}"`;
  }
  if (parts.length === 1) return `"${top}"`;
  if (/^\d+$/.test(name ?? '')) return `entry ${Number(name) + 1} of "${top}"`;
  return `"${parts.join('.')}"`;
}

/**
 * Checks the shape of a pipeline file with the precompiled validator and reports each problem at
 * its node. Returns the JSON pointers of the invalid parts, so the analyzer skips them instead of
 * reporting the same problem again in other words.
 */
export function validateShape(
  root: LNode,
  plain: unknown,
  format: PipelineFormat,
  file: string,
  diagnostics: DiagnosticCollector,
): string[] {
  const validate = validators[format];
  if (validate(plain)) return [];
  const invalid: string[] = [];
  const errors = validate.errors ?? [];
  // "unknown field uri (did you mean url?)" already explains a missing url.
  const withUnknownFields = new Set(
    errors.filter((e) => e.keyword === 'additionalProperties').map((e) => e.instancePath),
  );
  for (const error of errors) {
    if (error.keyword === 'required' && withUnknownFields.has(error.instancePath)) {
      invalid.push(error.instancePath);
      continue;
    }
    const parts =
      error.instancePath === '' ? [] : error.instancePath.slice(1).split('/').map(decode);
    const {node} = nodeAtPointer(root, error.instancePath);
    const field = parts[parts.length - 1] ?? '';
    const insideStage = parts[0] === 'stages' && parts.length >= 3;
    const inDefaults = parts[0] === 'defaults' && parts.length === 2;
    const specific: Reason | undefined =
      (insideStage || inDefaults) && field === 'timeout'
        ? 'invalid-timeout'
        : (insideStage || inDefaults) && field === 'retries'
          ? 'invalid-retries'
          : undefined;
    const where = describePointer(parts);
    // `timeout of stage "train"`, or `defaults.timeout`.
    const subject = inDefaults
      ? `defaults.${field}`
      : `${field} of ${where.replace(/^"\w+" of /, '')}`;
    switch (error.keyword) {
      case 'additionalProperties': {
        const property = String(error.params['additionalProperty']);
        const allowed = allowedFields(format, parts);
        const entry = node.kind === 'map' ? node.byKey.get(property) : undefined;
        const container = parts.length === 0 ? 'at the top level' : `in ${where}`;
        const hint =
          format === 'dvc' && (property === 'uses' || property === 'with')
            ? ' dvc.yaml stages run commands only; plugins need pipeline.yaml.'
            : format === 'runner' && parts.length === 0
              ? ' Top-level keys starting with "x-" are ignored (a place for shared YAML anchors).'
              : '';
        diagnostics.error(
          'unknown-field',
          `Unknown field "${property}" ${container}.${didYouMean(property, allowed)} Allowed fields: ${allowed.join(', ')}.${hint}`,
          locate(file, entry?.keySpan ?? node.span),
        );
        invalid.push(`${error.instancePath}/${property.replace(/~/g, '~0').replace(/\//g, '~1')}`);
        continue;
      }
      case 'type':
        diagnostics.error(
          specific ?? 'wrong-type',
          specific === 'invalid-timeout'
            ? `${subject} must be a duration like "30s", "10m", "1h" or a number of seconds, but is ${describeNode(node)}.`
            : specific === 'invalid-retries'
              ? `${subject} must be a whole number of extra attempts (0 or more), but is ${describeNode(node)}.`
              : `${capitalise(where)} must be ${describeType(error.params['type'])}, but is ${describeNode(node)}.`,
          locate(file, node.span),
        );
        break;
      case 'required':
        diagnostics.error(
          'missing-field',
          parts[0] === 'remotes'
            ? `${capitalise(where)} needs a "url": a gs://bucket/prefix or a folder path.`
            : `${capitalise(where)} needs "${String(error.params['missingProperty'])}".`,
          locate(file, node.span),
        );
        break;
      case 'minProperties':
      case 'maxProperties':
        diagnostics.error(
          'invalid-value',
          field !== '' && parts.includes('params')
            ? `${capitalise(where)} must name one params file and its keys, e.g. "- other.yaml: [train.k, seed]".`
            : `${capitalise(where)} must map exactly one path to its options, e.g. "- data/out.csv: {cache: false}".`,
          locate(file, node.span),
        );
        break;
      default:
        diagnostics.error(
          specific ?? 'invalid-value',
          specific === 'invalid-timeout'
            ? `${subject} must be a positive duration like "30s", "10m", "1h" or a number of seconds, but is ${describeNode(node)}.`
            : specific === 'invalid-retries'
              ? `${subject} must be a whole number of extra attempts (0 or more), but is ${describeNode(node)}.`
              : `${capitalise(where)} is not valid: it ${error.message ?? 'does not match the schema'} (is ${describeNode(node)}).`,
          locate(file, node.span),
        );
    }
    invalid.push(error.instancePath);
  }
  return invalid;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
