import {mkdir, readdir, symlink} from 'node:fs/promises';
import path from 'node:path';
import type {PipelinePlan} from '../analysis/plan.js';

/** Never mirrored: state, history and the experiment workspaces themselves. */
const SKIPPED = new Set(['.git', '.runner']);

/**
 * Builds an isolated copy of the project for one experiment: every entry that holds no stage
 * output is a symlink to the original (inputs and code are read, never written), folders that
 * hold outputs are real folders, and outputs are absent (restored from the shared cache or
 * produced by the run). `.runner/cache` links to the project's cache, so every experiment
 * shares objects and run-cache records; nothing in the user's working tree changes.
 */
export async function createWorkspace(plan: PipelinePlan, dest: string): Promise<void> {
  const outs = plan.order.flatMap((name) => plan.stages.get(name)?.outs.map((o) => o.path) ?? []);
  const outSet = new Set(outs);
  // Folders that contain an out somewhere below them.
  const holders = new Set<string>();
  for (const out of outs) {
    for (let dir = path.posix.dirname(out); dir !== '.'; dir = path.posix.dirname(dir))
      holders.add(dir);
  }
  await mirror(plan.root, dest, '', outSet, holders);
  await mkdir(path.join(dest, '.runner'), {recursive: true});
  await mkdir(path.join(plan.root, '.runner', 'cache'), {recursive: true});
  await symlink(path.join(plan.root, '.runner', 'cache'), path.join(dest, '.runner', 'cache'));
}

async function mirror(
  srcRoot: string,
  destRoot: string,
  rel: string,
  outs: ReadonlySet<string>,
  holders: ReadonlySet<string>,
): Promise<void> {
  await mkdir(path.join(destRoot, rel), {recursive: true});
  for (const entry of await readdir(path.join(srcRoot, rel), {withFileTypes: true})) {
    const child = rel === '' ? entry.name : `${rel}/${entry.name}`;
    if ((rel === '' && SKIPPED.has(entry.name)) || outs.has(child)) continue;
    if (entry.isDirectory() && holders.has(child)) {
      await mirror(srcRoot, destRoot, child, outs, holders);
    } else {
      await symlink(path.join(srcRoot, child), path.join(destRoot, child));
    }
  }
}
