import { readdirSync, watch, type Dirent, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import { ContentError, formatProblem } from './read-yaml.js';

export interface ContentStatus {
  /** Short hash of the loaded content; changes on every successful reload. */
  version: string;
  loadedAt: string;
  /** Why the last reload was refused, while the previous good content stays in use. */
  lastError?: { at: string; problems: string[] };
}

export interface ContentStore<T> {
  current(): T;
  status(): ContentStatus;
  /** Loads again now; on failure keeps the last good content and records why. */
  reload(): Promise<boolean>;
  close(): void;
}

export interface StoreOptions {
  /** Watch the folder and reload after changes settle. */
  watch?: boolean;
  debounceMs?: number;
  onReload?: (status: ContentStatus) => void;
  onError?: (problems: string[]) => void;
}

/**
 * Holds the last good content. A reload builds everything aside and swaps it in one
 * assignment, so a request never sees half of an edit; invalid content is never swapped in.
 *
 * @example
 * const store = await createContentStore('content', loadCheckerContent, { watch: true });
 * store.current().patterns
 */
export async function createContentStore<T extends { fingerprint: string }>(
  dir: string,
  load: (dir: string) => Promise<T>,
  options: StoreOptions = {},
): Promise<ContentStore<T>> {
  let value = await load(dir);
  let status: ContentStatus = { version: value.fingerprint, loadedAt: new Date().toISOString() };
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<boolean> | undefined;
  let again = false;

  async function reload(): Promise<boolean> {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      try {
        const next = await load(dir);
        value = next;
        status = { version: next.fingerprint, loadedAt: new Date().toISOString() };
        options.onReload?.(status);
        return true;
      } catch (e) {
        const problems = e instanceof ContentError ? e.problems.map(formatProblem) : [(e as Error).message];
        status = { ...status, lastError: { at: new Date().toISOString(), problems } };
        options.onError?.(problems);
        return false;
      }
    })();
    try {
      return await running;
    } finally {
      running = undefined;
      if (again) {
        again = false;
        void reload();
      }
    }
  }

  // One watcher per folder, not fs.watch's recursive mode: on Linux that one watches files,
  // and loses a file that an editor saves by writing a copy and renaming it over the original.
  const watchers = new Map<string, FSWatcher>();
  const schedule = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (options.watch) watchFolders(dir);
      void reload();
    }, options.debounceMs ?? 250);
  };
  function watchFolders(folder: string): void {
    if (!watchers.has(folder)) {
      try {
        const w = watch(folder, (_event, file) => {
          // Dot files are the loader's own caches, not edits.
          if (file && String(file).startsWith('.')) return;
          schedule();
        });
        w.on('error', () => {
          w.close();
          watchers.delete(folder);
        });
        watchers.set(folder, w);
      } catch (e) {
        options.onError?.([`watching ${folder} failed: ${(e as Error).message}`]);
        return;
      }
    }
    let entries: Dirent[] = [];
    try {
      entries = readdirSync(folder, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) if (entry.isDirectory() && !entry.name.startsWith('.')) watchFolders(join(folder, entry.name));
  }
  if (options.watch) watchFolders(dir);

  return {
    current: () => value,
    status: () => status,
    reload,
    close() {
      clearTimeout(timer);
      for (const w of watchers.values()) w.close();
      watchers.clear();
    },
  };
}
