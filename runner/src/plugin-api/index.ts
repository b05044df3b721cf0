/**
 * The public plugin API: everything a stage plugin may import. See PLUGINS.md.
 */
export {definePlugin, isPluginDefinition} from './define-plugin.js';
export type {JsonSchema, PluginDefinition, PluginIo} from './define-plugin.js';
export type {StageContext, StageLogger, StageProgress} from './context.js';
