import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { api, ApiError, type Answer } from '../api/client';

/**
 * Loads one API resource; `reload` fetches it again, `set` replaces it with a fresher copy (e.g. a write's answer).
 * Each change of `changes` (e.g. from useLiveUpdates) fetches it again in the background: the data shown stays until
 * the answer comes, and a failure then keeps it rather than showing an error.
 */
export function useResource<P extends string>(path: P | null, changes?: number) {
  // Typed by the route its path names (see Answer in api/client).
  const [data, setData] = useState<Answer<'GET', P> | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(path !== null);
  // A new path drops the old path's data in the same render (React's "adjusting state when a prop changes").
  const [shownPath, setShownPath] = useState(path);
  if (shownPath !== path) {
    setShownPath(path);
    setData(null);
    if (path !== null) setLoading(true);
  }
  // The path whose answer is awaited: an answer for an older one is dropped. Set as the path commits (layout
  // effect), before any answer can arrive, as the write during render did.
  const current = useRef(path);
  useLayoutEffect(() => {
    current.current = path;
  }, [path]);

  // Fetches without marking loading first: a new path is marked above, a reload marks itself.
  const load = useCallback(
    async (background = false) => {
      if (path === null) return;
      try {
        const value = await api.get(path);
        if (current.current === path) {
          setData(value);
          setError(null);
        }
      } catch (e) {
        if (current.current === path && !background)
          setError(e instanceof ApiError ? e : new ApiError(0, 'network', String(e)));
      } finally {
        if (current.current === path && !background) setLoading(false);
      }
    },
    [path],
  );
  const reload = useCallback(async () => {
    if (path === null) return;
    setLoading(true);
    await load();
  }, [path, load]);

  useEffect(() => {
    // load sets state only after its request answers (the rule misreads that: react/react#34905).
    // eslint-disable-next-line react-hooks/set-state-in-effect
    void load();
  }, [load]);
  const seenChanges = useRef(changes);
  useEffect(() => {
    if (seenChanges.current === changes) return;
    seenChanges.current = changes;
    void load(true);
  }, [changes, load]);

  return { data, error, loading, reload, set: setData };
}
