import {readdir} from 'node:fs/promises';
import path from 'node:path';
import {pathToFileURL} from 'node:url';
import {runnerPackage} from '../../config/package-root.js';
import {isPluginDefinition} from '../../plugin-api/define-plugin.js';
import {EXIT, out, UsageError} from '../output.js';

export const PLUGINS_HELP = `Usage: runner plugins list [--json]

Lists the built-in stage plugins (\`uses: NAME\` in pipeline.yaml) with their versions.
Plugins from a path (\`uses: ./my-plugin\`) or an npm package work the same way: see PLUGINS.md.
`;

export async function plugins(argv: readonly string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === '--help' || sub === '-h') {
    out(PLUGINS_HELP);
    return EXIT.ok;
  }
  if (sub !== 'list')
    throw new UsageError(
      `runner plugins: unknown subcommand "${sub}". Try \`runner plugins list\`.`,
    );
  const dir = path.join(runnerPackage().root, 'dist', 'plugins');
  const names = (await readdir(dir, {withFileTypes: true}))
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  const rows: {name: string; version: string; description: string}[] = [];
  for (const name of names) {
    const module = (await import(pathToFileURL(path.join(dir, name, 'index.js')).href).catch(
      () => ({}),
    )) as {default?: unknown};
    if (isPluginDefinition(module.default)) {
      rows.push({
        name: module.default.name,
        version: module.default.version,
        description: module.default.description,
      });
    }
  }
  if (rest.includes('--json')) {
    out(`${JSON.stringify(rows, null, 2)}\n`);
    return EXIT.ok;
  }
  const width = Math.max(0, ...rows.map((r) => `${r.name}@${r.version}`.length));
  for (const r of rows) out(`${`${r.name}@${r.version}`.padEnd(width)}  ${r.description}\n`);
  return EXIT.ok;
}
