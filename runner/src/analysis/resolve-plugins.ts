import {locate, type DiagnosticCollector} from '../diagnostics/collector.js';
import type {PluginIo} from '../plugin-api/define-plugin.js';
import type {AnalysisInputs} from './analysis-inputs.js';
import type {StageDraft} from './build-stage.js';
import type {ResolvedPlugin} from './plan.js';
import {loadPlugin, type LoadedPlugin, type PluginEnvironment} from './plugins/load-plugin.js';
import {validatePluginParams} from './plugins/plugin-params.js';

/** A plugin stage's resolved plugin and its validated, defaulted `with:`. */
export interface ResolvedPluginCommand {
  readonly plugin: ResolvedPlugin;
  readonly with: Readonly<Record<string, unknown>>;
}

const IO_FIELDS = ['deps', 'outs', 'metrics', 'plots'] as const;
const SINGULAR: Record<(typeof IO_FIELDS)[number], string> = {
  deps: 'dep',
  outs: 'out',
  metrics: 'metrics file',
  plots: 'plots file',
};

/**
 * Loads the plugin of every plugin stage (each module once), validates `with:` against the
 * plugin's params schema and the declared paths against its `io` slots.
 */
export async function resolvePlugins(
  drafts: readonly StageDraft[],
  options: {
    readonly root: string;
    readonly file: string;
    readonly env: PluginEnvironment;
    /** Where compiled params validators are kept between runs; undefined for nowhere. */
    readonly validatorCacheDir: string | undefined;
    readonly diagnostics: DiagnosticCollector;
    /** Records what plugin resolution read, for the plan cache. */
    readonly inputs?: AnalysisInputs;
  },
): Promise<Map<string, ResolvedPluginCommand>> {
  const {root, file, env, validatorCacheDir, diagnostics, inputs} = options;
  const hashes = new Map<string, string>();
  const loads = new Map<string, Promise<LoadedPlugin>>();
  const resolved = new Map<string, ResolvedPluginCommand>();
  await Promise.all(
    drafts.map(async (draft) => {
      const command = draft.command;
      if (command?.type !== 'pending-plugin') return;
      let load = loads.get(command.uses);
      if (!load) {
        load = loadPlugin(command.uses, root, env, hashes, inputs);
        loads.set(command.uses, load);
      }
      const loaded = await load;
      if (!loaded.ok) {
        diagnostics.error(loaded.reason, loaded.message, locate(file, command.usesSpan));
        return;
      }
      const {definition, plugin} = loaded;
      const fallback = command.withKeySpan ?? command.usesSpan;
      const problems = await validatePluginParams(
        plugin.name,
        definition.params,
        command.with,
        command.withNode,
        fallback,
        validatorCacheDir,
      );
      let valid = true;
      if ('brokenSchema' in problems) {
        valid = false;
        diagnostics.error(
          'invalid-plugin',
          `Plugin "${command.uses}" has an invalid params schema (${problems.brokenSchema}). This is a bug in the plugin; fix its "params".`,
          locate(file, command.usesSpan),
        );
      } else {
        for (const problem of problems) {
          valid = false;
          diagnostics.error('invalid-plugin-params', problem.message, locate(file, problem.span));
        }
      }
      if (!checkIo(draft, plugin.name, definition.io, file, diagnostics)) valid = false;
      if (valid) resolved.set(draft.name, {plugin, with: command.with});
    }),
  );
  return resolved;
}

function checkIo(
  draft: StageDraft,
  plugin: string,
  io: PluginIo | undefined,
  file: string,
  diagnostics: DiagnosticCollector,
): boolean {
  if (!io) return true;
  let ok = true;
  for (const field of IO_FIELDS) {
    const slots = io[field];
    if (!slots) continue;
    const declared =
      field === 'deps'
        ? draft.deps.length
        : draft.outs.filter(
            (o) => o.kind === (field === 'outs' ? 'out' : field === 'metrics' ? 'metric' : 'plot'),
          ).length;
    if (declared === slots.length) continue;
    ok = false;
    const noun = (n: number): string => `${n} ${SINGULAR[field]}${n === 1 ? '' : 's'}`;
    const list = slots.length > 0 ? `: ${slots.join(', ')}` : '';
    diagnostics.error(
      'wrong-io-count',
      `Stage "${draft.name}" declares ${noun(declared)}, but plugin "${plugin}" takes exactly ${noun(slots.length)}${list}. List one path per slot, in this order, under "${field}:".`,
      locate(
        file,
        draft.fieldSpans.get(field) ?? {
          offset: draft.location.offset,
          length: draft.location.length,
        },
      ),
    );
  }
  return ok;
}
