import {existsSync, readdirSync} from 'node:fs';
import path from 'node:path';
import {pathToFileURL} from 'node:url';
import {isPluginDefinition, type PluginDefinition} from '../../plugin-api/define-plugin.js';
import type {ResolvedPlugin} from '../plan.js';
import {didYouMean} from '../../diagnostics/suggest.js';
import {AnalysisInputs} from '../analysis-inputs.js';
import {hashPluginFiles} from './code-hash.js';
import {importedFilesOutside} from './module-graph.js';

/** Where built-in plugins live and the version that goes into their code hash. */
export interface PluginEnvironment {
  /** Folder holding one `<name>/index.js` per built-in plugin. */
  readonly builtinDir: string;
  readonly runnerVersion: string;
}

/** A plugin ready for a stage, or why it is not. */
export type LoadedPlugin =
  | {
      readonly ok: true;
      readonly plugin: ResolvedPlugin;
      readonly definition: PluginDefinition<unknown>;
    }
  | {
      readonly ok: false;
      readonly reason: 'unknown-plugin' | 'plugin-load-failed' | 'invalid-plugin';
      readonly message: string;
    };

const BUILTIN_NAME = /^[a-z][a-z0-9-]*$/;

/** Module imports are cached for the whole process: a module cannot be imported twice anyway. */
const imports = new Map<string, Promise<unknown>>();

/** A path for messages: relative to the project when inside it. */
function shown(root: string, absolute: string): string {
  const relative = path.relative(root, absolute);
  return relative.startsWith('..') || path.isAbsolute(relative)
    ? absolute
    : relative.split(path.sep).join('/');
}

/** Names of the built-in plugins, sorted. */
export function builtinPluginNames(env: PluginEnvironment): string[] {
  try {
    return readdirSync(env.builtinDir, {withFileTypes: true})
      .filter((e) => e.isDirectory() && existsSync(path.join(env.builtinDir, e.name, 'index.js')))
      .map((e) => e.name)
      .sort();
  } catch {
    return [];
  }
}

interface Located {
  readonly modulePath: string;
  readonly source: ResolvedPlugin['source'];
  /** Folder whose files make up the code hash, and which of them ('all' or one file). */
  readonly folder: string;
  readonly files: readonly string[] | 'all';
}

function locateModule(
  uses: string,
  root: string,
  env: PluginEnvironment,
  inputs: AnalysisInputs,
): Located | string {
  if (uses.startsWith('./') || uses.startsWith('../') || path.isAbsolute(uses)) {
    const target = path.resolve(root, uses);
    const type = inputs.typeOf(target);
    if (type === 'missing') {
      return `No plugin module at "${uses}" (${shown(root, target)} does not exist). A local plugin is a compiled JS module or a folder with an index.js, relative to the pipeline file.`;
    }
    if (type === 'dir') {
      const index = path.join(target, 'index.js');
      if (!inputs.exists(index)) {
        return `Plugin folder "${uses}" has no index.js. Point "uses" at the compiled module, or add an index.js that default-exports definePlugin({...}).`;
      }
      return {modulePath: index, source: 'path', folder: target, files: 'all'};
    }
    const folder = path.dirname(target);
    // A module directly in the project root would otherwise hash the whole project.
    const files = folder === root ? [path.basename(target)] : 'all';
    return {modulePath: target, source: 'path', folder, files};
  }
  if (BUILTIN_NAME.test(uses)) {
    const index = path.join(env.builtinDir, uses, 'index.js');
    if (inputs.exists(index)) {
      return {modulePath: index, source: 'builtin', folder: path.dirname(index), files: 'all'};
    }
  }
  const found = resolvePackage(uses, root, inputs);
  if (found) return found;
  const builtins = builtinPluginNames(env);
  return `Unknown plugin "${uses}".${didYouMean(uses, builtins)} Built-in plugins: ${builtins.join(', ') || '(none installed)'}. Otherwise use "./path/to/module.js" or an npm package installed in the project.`;
}

/** Finds an installed npm package from the project root upwards and its ES module entry. */
function resolvePackage(name: string, root: string, inputs: AnalysisInputs): Located | undefined {
  if (!/^(@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/.test(name)) return undefined;
  for (let dir = root; ; dir = path.dirname(dir)) {
    const folder = path.join(dir, 'node_modules', name);
    const manifestPath = path.join(folder, 'package.json');
    const text = inputs.readText(manifestPath);
    if (text !== undefined) {
      const manifest = JSON.parse(text) as Record<string, unknown>;
      const entry = packageEntry(manifest) ?? 'index.js';
      return {modulePath: path.join(folder, entry), source: 'package', folder, files: 'all'};
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}

function packageEntry(manifest: Record<string, unknown>): string | undefined {
  const pick = (value: unknown): string | undefined => {
    if (typeof value === 'string') return value;
    if (typeof value === 'object' && value !== null) {
      const v = value as Record<string, unknown>;
      return pick(v['.']) ?? pick(v['import']) ?? pick(v['node']) ?? pick(v['default']);
    }
    return undefined;
  };
  const main = manifest['main'];
  return pick(manifest['exports']) ?? (typeof main === 'string' ? main : undefined);
}

/**
 * Resolves and imports the plugin a stage `uses`, checks its default export and hashes its code.
 * `hashes` caches code hashes per folder for one analysis.
 */
export async function loadPlugin(
  uses: string,
  root: string,
  env: PluginEnvironment,
  hashes: Map<string, string>,
  inputs: AnalysisInputs = new AnalysisInputs(),
): Promise<LoadedPlugin> {
  const located = locateModule(uses, root, env, inputs);
  if (typeof located === 'string') return {ok: false, reason: 'unknown-plugin', message: located};
  let promise = imports.get(located.modulePath);
  if (!promise) {
    promise = import(pathToFileURL(located.modulePath).href);
    imports.set(located.modulePath, promise);
  }
  let module: unknown;
  try {
    module = await promise;
  } catch (error) {
    const detail = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return {
      ok: false,
      reason: 'plugin-load-failed',
      message: `Plugin "${uses}" could not be loaded from ${shown(root, located.modulePath)}: ${detail}. Fix the module (is it compiled JavaScript?) and try again.`,
    };
  }
  const definition = (module as {default?: unknown}).default;
  if (!isPluginDefinition(definition)) {
    return {
      ok: false,
      reason: 'invalid-plugin',
      message: `Plugin "${uses}" (${shown(root, located.modulePath)}) does not default-export a plugin. Write "export default definePlugin({name, version, description, params, run})".`,
    };
  }
  const extra = located.source === 'builtin' ? `runner@${env.runnerVersion}` : '';
  const cacheKey = `${located.folder}\0${String(located.files)}\0${extra}`;
  let codeHash = hashes.get(cacheKey);
  if (codeHash === undefined) {
    try {
      const {folder, files} = located;
      const own = inputs.code(folder, files, extra, () => hashPluginFiles(folder, files, extra));
      // An installed package pins its dependencies; a local or built-in plugin may import
      // helpers from outside its folder, which are its code too: hashed on top of its own.
      const outside = located.source === 'package' ? [] : importedFilesOutside(folder, files);
      codeHash =
        outside.length === 0
          ? own
          : inputs.code(folder, outside, own, () => hashPluginFiles(folder, outside, own));
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      return {
        ok: false,
        reason: 'plugin-load-failed',
        message: `The files of plugin "${uses}" could not be read to fingerprint it (${detail}). Check the permissions of ${shown(root, located.folder)}.`,
      };
    }
    hashes.set(cacheKey, codeHash);
  }
  return {
    ok: true,
    definition,
    plugin: {
      name: definition.name,
      version: definition.version,
      modulePath: located.modulePath,
      codeHash,
      source: located.source,
    },
  };
}
