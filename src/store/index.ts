export { StoreError } from './errors.js';
export {
  openStore,
  type CounterEvent,
  type CounterFilter,
  type CounterRow,
  type OpenStoreOptions,
  type PurgeOptions,
  type Session,
  type Store,
} from './store.js';
export { loadOrCreateSecret, userKey } from './user-key.js';
