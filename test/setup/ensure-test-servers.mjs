// Runs before `npm test`: installs the test-only GCS server (its own package, kept out of the
// project's dependencies) when it is not there yet. Tests start and stop it themselves.
import {spawnSync} from 'node:child_process';
import {existsSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'gcs-emulator');
if (!existsSync(path.join(dir, 'node_modules', 'firebase-tools', 'package.json'))) {
  console.log(
    'Installing the GCS emulator for the storage tests (test/gcs-emulator, about 90 s, once)...',
  );
  const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: dir,
    stdio: 'inherit',
  });
  if (r.status !== 0) {
    console.log(
      'Could not install the GCS emulator: the gs:// tests will be skipped (folder remotes are still tested).',
    );
  }
}
