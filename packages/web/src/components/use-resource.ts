import { useCallback, useEffect, useRef, useState } from 'react';
import { api, ApiError } from '../api/client';

/** Loads one API resource; `reload` fetches it again, `set` replaces it with a fresher copy (e.g. a write's answer). */
export function useResource<T>(path: string | null) {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(path !== null);
  const current = useRef(path);
  current.current = path;

  const load = useCallback(async () => {
    if (path === null) return;
    setLoading(true);
    try {
      const value = await api.get<T>(path);
      if (current.current === path) {
        setData(value);
        setError(null);
      }
    } catch (e) {
      if (current.current === path)
        setError(e instanceof ApiError ? e : new ApiError(0, 'network', String(e)));
    } finally {
      if (current.current === path) setLoading(false);
    }
  }, [path]);

  useEffect(() => {
    setData(null);
    void load();
  }, [load]);

  return { data, error, loading, reload: load, set: setData };
}
