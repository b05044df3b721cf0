/** The model registry (DESIGN section 8) on any remote store. */
export {checkGates, gatesProblems} from './gates.js';
export type {GateBound, GateCheck, GateReport, Gates} from './gates.js';
export {
  downloadVersion,
  listModels,
  promoteModel,
  publishModel,
  readAlias,
  rollbackModel,
} from './registry.js';
export type {
  BundlePaths,
  ModelListing,
  PromoteResult,
  PublishResult,
  RegistryFailure,
} from './registry.js';
export {registryObjectIds} from './registry-objects.js';
export {BUNDLE_FILES} from './registry-layout.js';
export type {AliasEvent, AliasRecord, BundleFile, VersionMeta} from './registry-layout.js';

import {openRemote} from '../remote/open-remote.js';
import type {RemoteStore} from '../remote/remote-store.js';
export type {RemoteStore} from '../remote/remote-store.js';

/** Opens the remote holding a registry: `gs://bucket/prefix`, or a folder relative to `root`. */
export function openRegistry(url: string, root: string): RemoteStore {
  return openRemote(url, root);
}
