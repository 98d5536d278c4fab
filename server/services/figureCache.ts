import type { AppContext } from '../context.js';
import type { Db } from '../storage/db.js';
import { figuresVersion } from '../storage/population.js';

/** Figures kept per database; enough for every intervention's pages under the filters in use. */
const MAX_ENTRIES = 500;

const caches = new WeakMap<Db, Map<string, { version: number; value: unknown }>>();

/**
 * A figure built from the answers, kept until anything a figure is built from changes (the
 * figures version moves on every answer, participant, code, round and setting: see migration 006).
 * `key` names the figure and everything it was asked with; the oldest entry goes first when full.
 */
export function cachedFigures<T>(ctx: AppContext, key: string, build: () => T): T {
  const version = figuresVersion(ctx.db);
  let cache = caches.get(ctx.db);
  if (!cache) caches.set(ctx.db, (cache = new Map<string, { version: number; value: unknown }>()));
  const known = cache.get(key);
  if (known && known.version === version) return known.value as T;
  const value = build();
  cache.delete(key);
  if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value!);
  cache.set(key, { version, value });
  return value;
}
