/**
 * Remotes (DESIGN section 6): what the CLI calls for `push`, `pull`, `fetch`, `status --cloud`,
 * `gc`, `remote add|list|default` and `repro --pull`.
 */
export type {
  DownloadOptions,
  RemoteEntry,
  RemoteErrorReason,
  RemoteStat,
  RemoteStore,
  TransferOptions,
} from './remote-store.js';
export {RemoteError} from './remote-store.js';
export {openRemote} from './open-remote.js';
export {FolderRemote} from './folder-remote.js';
export {GcsRemote, type GcsRemoteOptions} from './gcs-remote.js';
export {DEFAULT_RETRY, type RetryPolicy} from './retry.js';
export {
  fetchRun,
  runFetch,
  runPull,
  runPush,
  runStatusCloud,
  type CloudStatusEntry,
  type PullOptions,
  type PullSummary,
  type RemoteFailure,
  type TransferCommandOptions,
} from './transfer-commands.js';
export type {
  ObjectFailure,
  OnTransferProgress,
  TransferProgress,
  TransferSummary,
} from './transfer.js';
export type {CheckoutSummary} from './checkout.js';
export {runGc, type GcOptions, type GcSummary} from './gc.js';
export {
  addRemote,
  listRemotes,
  selectRemote,
  setDefaultRemote,
  type RemoteConfigEntry,
} from './remote-config.js';
