import {existsSync, readdirSync, rmSync} from 'node:fs';
import path from 'node:path';
import {pathToFileURL} from 'node:url';
import {runnerPackage} from '../../config/package-root.js';
import {isPluginDefinition} from '../../plugin-api/define-plugin.js';
import {SHIPPED_VALIDATORS, shipValidator} from './params-validator.js';

/**
 * Build step (`npm run build`): writes the params validator of every built-in plugin beside the
 * compiled code, where the analysis looks first. Without them a project's first run loads ajv
 * and compiles seven schemas before it can start a stage.
 */
async function main(): Promise<void> {
  const builtins = path.join(runnerPackage().root, 'dist', 'plugins');
  rmSync(SHIPPED_VALIDATORS, {recursive: true, force: true});
  for (const name of readdirSync(builtins).sort()) {
    const index = path.join(builtins, name, 'index.js');
    if (!existsSync(index)) continue;
    const module = (await import(pathToFileURL(index).href)) as {default?: unknown};
    if (isPluginDefinition(module.default)) {
      await shipValidator(module.default.params, SHIPPED_VALIDATORS);
    }
  }
}

await main();
