import {definePlugin} from '../../runner/src/plugin-api/index.js';
import {DEPLOY_PARAMS_SCHEMA, type DeployParams} from './params.js';

/**
 * Publishes model.json, metrics.json and the recommendations as a content-addressed registry
 * version (DESIGN section 8) and moves an alias when the metrics pass the gates. Meant to be
 * `always_changed`: publishing is idempotent, so a restore from the run-cache never skips it.
 */
export default definePlugin<DeployParams>({
  name: 'deploy',
  version: '1.0.0',
  description: 'Publishes the model bundle to the registry and moves an alias when the gates pass',
  params: DEPLOY_PARAMS_SCHEMA,
  io: {deps: ['model.json', 'metrics.json', 'recommendations.parquet']},
  async run(ctx) {
    const {runDeploy} = await import('./run-deploy.js');
    await runDeploy(ctx);
  },
});
