import {parse, PIPELINE_OPTIONS} from '../args.js';
import {pipelineFile} from '../load-plan.js';
import {errOut, EXIT, out, UsageError} from '../output.js';

export const REMOTE_HELP = `Usage: runner remote add NAME URL [--default] [--force]
       runner remote list
       runner remote default NAME

Edits the remotes of pipeline.yaml (comments and layout are kept). A URL is gs://bucket/prefix
(Google Cloud Storage, Application Default Credentials; STORAGE_EMULATOR_HOST is honoured) or a
folder (absolute, or relative to the project).
`;

/** `runner remote add|list|default`. */
export async function remote(argv: readonly string[], cwd: string): Promise<number> {
  const {values, positionals} = parse('remote', argv, {
    ...PIPELINE_OPTIONS,
    default: {type: 'boolean', short: 'd'},
    force: {type: 'boolean'},
  });
  const [sub, ...args] = positionals;
  if (values.help || sub === undefined) {
    out(REMOTE_HELP);
    return values.help ? EXIT.ok : EXIT.usage;
  }
  const file = pipelineFile(cwd, values.file);
  const config = await import('../../remote/remote-config.js');
  switch (sub) {
    case 'list': {
      const listed = await config.listRemotes(file);
      if (!listed.ok) return fail(listed.error);
      for (const r of listed.value) out(`${r.name}\t${r.url}${r.isDefault ? '\t(default)' : ''}\n`);
      return EXIT.ok;
    }
    case 'add': {
      const [name, url] = args;
      if (name === undefined || url === undefined || args.length !== 2)
        throw new UsageError('runner remote add: give NAME and URL.');
      const added = await config.addRemote(file, {
        name,
        url,
        makeDefault: values.default === true,
        force: values.force === true,
      });
      return added.ok ? EXIT.ok : fail(added.error);
    }
    case 'default': {
      const [name] = args;
      if (name === undefined || args.length !== 1)
        throw new UsageError('runner remote default: give one NAME.');
      const set = await config.setDefaultRemote(file, name);
      return set.ok ? EXIT.ok : fail(set.error);
    }
    default:
      throw new UsageError(`runner remote: unknown subcommand "${sub}".\n\n${REMOTE_HELP}`);
  }
}

function fail(message: string): number {
  errOut(`runner remote: ${message}\n`);
  return EXIT.usage;
}
