import type {StageContext} from './context.js';

/** A JSON Schema (draft-07 subset as ajv reads it) describing a plugin's `with:` params. */
export type JsonSchema = Readonly<Record<string, unknown>>;

/**
 * Names of the positional paths a plugin reads and writes, one entry per slot, in order. The
 * analyzer checks that a stage declares exactly this many deps/outs/metrics/plots and points at
 * pipeline.yaml when it does not. A missing list means "any number".
 */
export interface PluginIo {
  readonly deps?: readonly string[];
  readonly outs?: readonly string[];
  readonly metrics?: readonly string[];
  readonly plots?: readonly string[];
}

export interface PluginDefinition<P = Record<string, unknown>> {
  /** The name stages use in `uses:`; lower-case, digits and dashes. */
  readonly name: string;
  /** Semver of the plugin; part of every stage fingerprint, so bump it when results change. */
  readonly version: string;
  /** One line for `runner plugins list`. */
  readonly description: string;
  /** JSON Schema of `with:`; validated (with defaults applied) before anything runs. */
  readonly params: JsonSchema;
  readonly io?: PluginIo;
  /**
   * Does the work: read `ctx.deps`, write every path of `ctx.outs`, `ctx.metrics` and
   * `ctx.plots`. Throwing (or rejecting) fails the stage; the runner keeps the previous outputs.
   */
  run(ctx: StageContext<P>): Promise<void> | void;
}

const PLUGIN_NAME = /^[a-z][a-z0-9-]*$/;

/**
 * Declares a stage plugin. Use as the module's default export:
 * `export default definePlugin<MyParams>({name, version, description, params, run})`.
 */
export function definePlugin<P = Record<string, unknown>>(
  definition: PluginDefinition<P>,
): PluginDefinition<P> {
  if (!PLUGIN_NAME.test(definition.name)) {
    throw new TypeError(
      `Plugin name ${JSON.stringify(definition.name)} must be lower-case letters, digits and dashes.`,
    );
  }
  if (typeof definition.run !== 'function') {
    throw new TypeError(`Plugin ${definition.name} must have a run(ctx) function.`);
  }
  return Object.freeze({...definition});
}

/** True for values made by {@link definePlugin}; the runner checks this on import. */
export function isPluginDefinition(value: unknown): value is PluginDefinition<unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v['name'] === 'string' &&
    typeof v['version'] === 'string' &&
    typeof v['description'] === 'string' &&
    typeof v['params'] === 'object' &&
    typeof v['run'] === 'function'
  );
}
