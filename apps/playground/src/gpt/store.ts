// The run's last checkpoint in IndexedDB, so a reloaded page (or its worker) picks the run up where it stood.
import type { DirFiles, RunHistory } from './protocol.js';

/** What is kept for a run: its checkpoint files, the corpus it trains on, the history to redraw, and where it stood. */
export interface StoredRun {
  files: DirFiles;
  text: string | null;
  name: string;
  history: RunHistory;
  /** How the run was left: a run saved while training comes back paused (absent in runs saved before it was kept). */
  state?: 'paused' | 'stopped' | 'finished';
}

const DB = 'tinygpt-playground';
const STORE = 'runs';
const KEY = 'current';

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB unavailable'));
  });
}

async function transact<T>(mode: IDBTransactionMode, fn: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await open();
  try {
    return await new Promise<T>((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const req = fn(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(req.result);
      tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
      // A commit the browser refuses (no room: QuotaExceededError) aborts the transaction with no error event.
      tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
    });
  } finally {
    db.close();
  }
}

/** Replaces the stored run in one transaction: a reload sees the previous checkpoint or this one, never half. */
export function putRun(run: StoredRun): Promise<IDBValidKey> {
  return transact('readwrite', (store) => store.put(run, KEY));
}

/** The stored run, or null. */
export async function getRun(): Promise<StoredRun | null> {
  const value = await transact<StoredRun | undefined>(
    'readonly',
    (store) => store.get(KEY) as IDBRequest<StoredRun | undefined>,
  );
  return value ?? null;
}

/** Forgets the stored run. */
export function deleteRun(): Promise<undefined> {
  return transact('readwrite', (store) => store.delete(KEY));
}
