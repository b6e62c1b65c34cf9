import { useCallback, useEffect, useRef, useState } from 'react';
import { type ApiError, type Capabilities, get, loadCapabilities } from './client';

/**
 * Reads with a small in-memory cache: a page shown again renders at once from the last answer, and
 * writes invalidate the keys they change (by prefix).
 */
const cache = new Map<string, { at: number; value: unknown }>();
const inflight = new Map<string, Promise<unknown>>();
const listeners = new Set<(prefix: string) => void>();
const FRESH_MS = 60_000;

export function invalidate(prefix: string): void {
  for (const key of [...cache.keys()]) if (key.startsWith(prefix)) cache.delete(key);
  for (const l of listeners) l(prefix);
}

export function clearCache(): void {
  cache.clear();
}

export interface Loaded<T> {
  data: T | undefined;
  error: ApiError | Error | undefined;
  loading: boolean;
  reload: () => void;
}

/** Fetches `key` with `fetcher` (null key: nothing to fetch yet). */
export function useLoad<T>(key: string | null, fetcher: (signal: AbortSignal) => Promise<T>): Loaded<T> {
  const cached = key ? (cache.get(key) as { at: number; value: T } | undefined) : undefined;
  const [state, setState] = useState<{ key: string | null; data: T | undefined; error: Error | undefined }>({
    key,
    data: cached?.value,
    error: undefined,
  });
  const [version, setVersion] = useState(0);
  const fetcherRef = useRef(fetcher);
  fetcherRef.current = fetcher;

  useEffect(() => {
    const listener = (prefix: string) => {
      if (key?.startsWith(prefix)) setVersion((v) => v + 1);
    };
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  }, [key]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: version forces a reload
  useEffect(() => {
    if (key === null) {
      setState({ key, data: undefined, error: undefined });
      return;
    }
    const hit = cache.get(key) as { at: number; value: T } | undefined;
    if (hit) setState({ key, data: hit.value, error: undefined });
    else setState((s) => (s.key === key ? s : { key, data: undefined, error: undefined }));
    if (hit && Date.now() - hit.at < FRESH_MS) return;
    const controller = new AbortController();
    let promise = inflight.get(key) as Promise<T> | undefined;
    if (!promise) {
      promise = fetcherRef.current(controller.signal);
      inflight.set(key, promise);
      promise.then(
        (value) => {
          cache.set(key, { at: Date.now(), value });
          inflight.delete(key);
        },
        () => inflight.delete(key),
      );
    }
    let live = true;
    promise.then(
      (value) => live && setState({ key, data: value, error: undefined }),
      (error: unknown) => {
        if (!live || (error instanceof DOMException && error.name === 'AbortError')) return;
        setState({ key, data: undefined, error: error instanceof Error ? error : new Error(String(error)) });
      },
    );
    return () => {
      live = false;
    };
  }, [key, version]);

  const reload = useCallback(() => {
    if (key) cache.delete(key);
    setVersion((v) => v + 1);
  }, [key]);

  const current = state.key === key;
  const data = current ? state.data : cached?.value;
  const error = current ? state.error : undefined;
  return { data, error, loading: key !== null && data === undefined && error === undefined, reload };
}

/** GET path?query, cached by URL. */
export function useGet<T>(
  path: string | null,
  query?: Record<string, string | number | boolean | readonly string[] | null | undefined>,
): Loaded<T> {
  const key = path === null ? null : `${path}?${JSON.stringify(query ?? {})}`;
  return useLoad<T>(key, (signal) => get<T>(path!, query, signal));
}

/** Whether the server has a route (e.g. "GET /api/v1/goals"); undefined while unknown. */
export function useCapability(route: string): boolean | undefined {
  const [caps, setCaps] = useState<Capabilities | undefined>(undefined);
  useEffect(() => {
    let live = true;
    void loadCapabilities().then((c) => live && setCaps(c));
    return () => {
      live = false;
    };
  }, []);
  return caps === undefined ? undefined : caps.has(route);
}

/** The same, for several routes at once. */
export function useCapabilities(): Capabilities | undefined {
  const [caps, setCaps] = useState<Capabilities | undefined>(undefined);
  useEffect(() => {
    let live = true;
    void loadCapabilities().then((c) => live && setCaps(c));
    return () => {
      live = false;
    };
  }, []);
  return caps;
}
