import type {LoadedModel, ModelSource} from './loaded-model.js';
import {loadModelFiles, type ModelFiles} from './load-model-files.js';

/** The part of the model registry the server needs (runner/src/registry implements it). */
export interface RegistryReader {
  /** The version an alias (`production`, `staging`) of a model name points at now. */
  resolveAlias(name: string, alias: string): Promise<string>;
  /** Local files of one version (fetched from the remote first when it is not a local folder). */
  fetchVersion(name: string, version: string): Promise<ModelFiles>;
}

/** Options of {@link aliasModelSource}. */
export interface AliasModelSourceOptions {
  readonly name: string;
  readonly alias: string;
  /** How often to re-read the alias; default 10 s. */
  readonly pollMs?: number;
}

/** The model a registry alias points at; a moved alias (promote, rollback) triggers a reload. */
export function aliasModelSource(
  registry: RegistryReader,
  options: AliasModelSourceOptions,
): ModelSource {
  const {name, alias} = options;
  let servedVersion: string | undefined;
  return {
    description: `${name}@${alias}`,
    async load(): Promise<LoadedModel> {
      const version = await registry.resolveAlias(name, alias);
      const files = await registry.fetchVersion(name, version);
      const loaded = await loadModelFiles(files, `registry ${name}@${alias} (${version})`);
      servedVersion = version;
      return loaded;
    },
    watch(onChange) {
      let polling = false;
      const timer = setInterval(() => {
        if (polling) return;
        polling = true;
        registry
          .resolveAlias(name, alias)
          .then(
            (version) => {
              if (version !== servedVersion) onChange();
            },
            // An unreachable registry is reported by the reload it triggers, not swallowed.
            () => onChange(),
          )
          .finally(() => {
            polling = false;
          });
      }, options.pollMs ?? 10_000);
      timer.unref();
      return () => clearInterval(timer);
    },
  };
}
