import {randomBytes} from 'node:crypto';
import {afterAll, beforeAll, describe} from 'vitest';
import {openRemote} from '../../runner/src/remote/open-remote.js';
import {
  EMULATOR_SKIP_MESSAGE,
  emulatorInstalled,
  startEmulator,
  type RunningEmulator,
} from './emulator.js';
import {defineRegistrySuite} from './registry-suite.js';
import {defineRemoteSuite} from './remote-suite.js';

if (!emulatorInstalled) console.warn(EMULATOR_SKIP_MESSAGE);

describe.skipIf(!emulatorInstalled)('gs:// remote against the GCS emulator', () => {
  let emulator: RunningEmulator;
  beforeAll(async () => {
    emulator = await startEmulator();
    // The only setting the client needs to talk to the emulator.
    process.env['STORAGE_EMULATOR_HOST'] = emulator.host;
  });
  afterAll(async () => {
    delete process.env['STORAGE_EMULATOR_HOST'];
    await emulator?.stop();
  });
  // A small page size makes every listing span several pages.
  defineRemoteSuite(() =>
    openRemote(`gs://remote-tests/run-${randomBytes(4).toString('hex')}`, '/', {pageSize: 3}),
  );
  defineRegistrySuite(() =>
    openRemote(`gs://registry-tests/run-${randomBytes(4).toString('hex')}`, '/'),
  );
});
