import { useCallback, useState } from 'react';
import { api } from '../api/client';

interface Page<T> {
  items: T[];
  next: string | null;
  total: number;
}

/**
 * A list shown a page at a time: the first page (from a view, or loaded again on a live change) and the pages
 * "show more" loaded after it, from `path` (a paged endpoint). Items loaded later replace those of the same key
 * (a changed position moves to the end of its list).
 */
export function usePages<T>(first: Page<T> | null, path: string, keyOf: (item: T) => string) {
  const [more, setMore] = useState<{ path: string; items: T[]; next: string | null } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const extra = more && more.path === path ? more : null;
  const next = extra ? extra.next : (first?.next ?? null);
  const loadMore = useCallback(async () => {
    if (next === null) return;
    try {
      const sep = path.includes('?') ? '&' : '?';
      const page = (await api.get(`${path}${sep}after=${encodeURIComponent(next)}`)) as unknown as Page<T>;
      setMore({ path, items: [...(extra?.items ?? []), ...page.items], next: page.next });
      setError(null);
    } catch (e) {
      setError(e);
    }
  }, [next, path, extra]);
  const all = [...(first?.items ?? []), ...(extra?.items ?? [])];
  const last = new Map<string, number>();
  all.forEach((item, i) => last.set(keyOf(item), i));
  const items = all.filter((item, i) => last.get(keyOf(item)) === i);
  return { items, total: first?.total ?? 0, hasMore: next !== null, loadMore, error };
}
