import type {ErrorObject} from 'ajv';
import type {JsonSchema} from '../../plugin-api/define-plugin.js';
import {
  describeType,
  describeValue,
  nodeAtPointer,
  type LNode,
  type Span,
} from '../../config/located.js';
import {didYouMean} from '../../diagnostics/suggest.js';
import {paramsValidator} from './params-validator.js';

/** A problem with a stage's `with:` params, located at the offending node. */
export interface ParamProblem {
  readonly message: string;
  readonly span: Span;
}

function label(pointer: string): string {
  if (pointer === '') return 'with';
  return pointer
    .slice(1)
    .split('/')
    .map((part, i) => (/^\d+$/.test(part) ? `[${part}]` : i === 0 ? part : `.${part}`))
    .join('');
}

function valueAt(data: unknown, pointer: string): unknown {
  let current = data;
  for (const part of pointer === '' ? [] : pointer.slice(1).split('/')) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

function explain(
  error: ErrorObject,
  plugin: string,
  schema: JsonSchema,
  withNode: LNode | undefined,
  fallback: Span,
  data: unknown,
): ParamProblem {
  const found = withNode ? nodeAtPointer(withNode, error.instancePath) : undefined;
  const span = found?.node.span ?? fallback;
  const name = label(error.instancePath);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties': {
      const property = String(params['additionalProperty']);
      const parent = valueAt(
        schema,
        error.schemaPath.replace(/^#/, '').replace(/\/additionalProperties$/, ''),
      );
      const allowed = Object.keys(
        ((parent as Record<string, unknown> | undefined)?.['properties'] as object | undefined) ??
          {},
      );
      const keySpan =
        found?.node.kind === 'map' ? (found.node.byKey.get(property)?.keySpan ?? span) : span;
      return {
        message: `Unknown param "${property}" for plugin "${plugin}".${didYouMean(property, allowed)} Allowed params: ${allowed.join(', ') || '(none)'}.`,
        span: keySpan,
      };
    }
    case 'required':
      return {
        message: `Plugin "${plugin}" needs param "${String(params['missingProperty'])}"${error.instancePath ? ` in "${name}"` : ''}. Add it under "with:".`,
        span,
      };
    case 'type': {
      // The value after `${}`, not the text in the file.
      const actual = describeValue(valueAt(data, error.instancePath));
      return {
        message: `Param "${name}" of plugin "${plugin}" must be ${describeType(params['type'])}, but is ${actual}.`,
        span,
      };
    }
    case 'enum':
      return {
        message: `Param "${name}" of plugin "${plugin}" must be one of ${(params['allowedValues'] as unknown[]).map((v) => JSON.stringify(v)).join(', ')}, but is ${describeValue(valueAt(data, error.instancePath))}.`,
        span,
      };
    default:
      return {
        message: `Param "${name}" of plugin "${plugin}" ${error.message ?? 'is invalid'}, but is ${describeValue(valueAt(data, error.instancePath))}.`,
        span,
      };
  }
}

/**
 * Validates `with:` against the plugin's params schema, writing schema defaults into `data`.
 * Returns the problems found (empty when valid).
 */
export async function validatePluginParams(
  plugin: string,
  schema: JsonSchema,
  data: Record<string, unknown>,
  withNode: LNode | undefined,
  fallback: Span,
  cacheDir: string | undefined,
): Promise<ParamProblem[] | {readonly brokenSchema: string}> {
  let validate = await paramsValidator(schema, cacheDir);
  if (typeof validate === 'string') return {brokenSchema: validate};
  let valid: boolean;
  try {
    valid = validate(data);
  } catch {
    // Only a damaged cached module can throw; ajv's own compiled code does not.
    validate = await paramsValidator(schema, undefined);
    if (typeof validate === 'string') return {brokenSchema: validate};
    valid = validate(data);
  }
  if (valid) return [];
  const errors = validate.errors ?? [];
  // An anyOf/oneOf failure comes with one error per alternative; say it once, listing them.
  const choices = errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf');
  const inChoice = (e: ErrorObject) =>
    choices.some((c) => c !== e && e.schemaPath.startsWith(`${c.schemaPath}/`));
  const problems: ParamProblem[] = [];
  for (const error of errors) {
    if (error.keyword === 'if' || inChoice(error)) continue;
    if (error.keyword === 'anyOf' || error.keyword === 'oneOf') {
      const alternatives = errors
        .filter(
          (e) => e.schemaPath.startsWith(`${error.schemaPath}/`) && !inNested(e, error, choices),
        )
        .map(alternative);
      const found = withNode ? nodeAtPointer(withNode, error.instancePath) : undefined;
      problems.push({
        message: `Param "${label(error.instancePath)}" of plugin "${plugin}" must be ${[...new Set(alternatives)].join(' or ')}, but is ${describeValue(valueAt(data, error.instancePath))}.`,
        span: found?.node.span ?? fallback,
      });
      continue;
    }
    problems.push(explain(error, plugin, schema, withNode, fallback, data));
  }
  return problems;
}

/** True when `e` belongs to an anyOf/oneOf nested inside `outer`: the nested one speaks for it. */
function inNested(e: ErrorObject, outer: ErrorObject, choices: readonly ErrorObject[]): boolean {
  return choices.some(
    (c) =>
      c !== outer &&
      c.schemaPath.startsWith(`${outer.schemaPath}/`) &&
      e.schemaPath.startsWith(`${c.schemaPath}/`),
  );
}

/** One alternative of an anyOf/oneOf, in words: `"auto"`, `a whole number`, `>= 2`. */
function alternative(e: ErrorObject): string {
  const params = e.params as Record<string, unknown>;
  if (e.keyword === 'const') return JSON.stringify(params['allowedValue']);
  if (e.keyword === 'enum') {
    return (params['allowedValues'] as unknown[]).map((v) => JSON.stringify(v)).join(' or ');
  }
  if (e.keyword === 'type') return describeType(params['type']);
  return (e.message ?? 'valid').replace(/^must (be )?/, '');
}
