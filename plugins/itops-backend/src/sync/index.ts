export {
  SyncEngine,
  syncTaskId,
  type SyncEngineOptions,
  type SyncRunOptions,
  type SyncRunResult,
} from './SyncEngine';
export {
  SyncStore,
  type RejectedRecord,
  type SyncSourceRef,
  type SyncState,
  type SyncStateKey,
  type WriteBatchResult,
} from './SyncStore';
