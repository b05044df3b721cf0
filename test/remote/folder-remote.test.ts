import {mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {describe} from 'vitest';
import {openRemote} from '../../runner/src/remote/open-remote.js';
import {defineRegistrySuite} from './registry-suite.js';
import {defineRemoteSuite} from './remote-suite.js';

describe('folder remote', () => {
  defineRemoteSuite(() => openRemote(mkdtempSync(join(tmpdir(), 'folder-remote-')), '/'));
  defineRegistrySuite(() => openRemote(mkdtempSync(join(tmpdir(), 'folder-registry-')), '/'));
});
