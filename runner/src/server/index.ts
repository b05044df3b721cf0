/** The model server behind `runner serve`. */
export {buildServer} from './build-server.js';
export {startServer, type RunningServer} from './start-server.js';
export {runServe, type ServeCommandContext, type ServeCommandOptions} from './run-serve.js';
export type {ServerOptions, StartServerOptions} from './server-options.js';
export type {LoadedModel, ModelSource} from './model-source/loaded-model.js';
export {fileModelSource, type FileModelSourceOptions} from './model-source/file-model-source.js';
export {
  aliasModelSource,
  type AliasModelSourceOptions,
  type RegistryReader,
} from './model-source/alias-model-source.js';
export type {ModelFiles} from './model-source/load-model-files.js';
export {remoteRegistryReader} from './model-source/remote-registry-reader.js';
export type {DriftReport, FeatureDrift} from './drift/drift-report.js';
export {
  renderServerSchemas,
  writeServerSchemas,
  type GeneratedSchemaFile,
} from './schemas/render-server-schemas.js';
