import {mkdtempSync} from 'node:fs';
import {join} from 'node:path';
import {describe} from 'vitest';
import {openRemote} from '../../runner/src/remote/open-remote.js';
import {defineRegistrySuite} from './registry-suite.js';
import {defineRemoteSuite} from './remote-suite.js';
import {testTmp} from '../support/temp-dirs.js';

describe('folder remote', () => {
  defineRemoteSuite(() => openRemote(mkdtempSync(join(testTmp(), 'folder-remote-')), '/'));
  defineRegistrySuite(() => openRemote(mkdtempSync(join(testTmp(), 'folder-registry-')), '/'));
});
