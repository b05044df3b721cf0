import type {ErrorObject} from 'ajv';
import type {JsonSchema} from '../../plugin-api/define-plugin.js';
import {
  describeNode,
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
  return pointer === '' ? 'with' : pointer.slice(1).split('/').join('.');
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
      const actual = found?.exact
        ? describeNode(found.node)
        : describeValue(valueAt(data, error.instancePath));
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
  return (validate.errors ?? [])
    .filter((e) => e.keyword !== 'if' && e.keyword !== 'anyOf' && e.keyword !== 'oneOf')
    .map((e) => explain(e, plugin, schema, withNode, fallback, data));
}
