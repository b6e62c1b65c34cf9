/**
 * The dashboard's only way to the server: same-origin fetches under /api/v1 with the session cookie,
 * the CSRF token on every write, and the API's error shape turned into ApiError.
 */

export const API = '/api/v1';

export interface ApiIssue {
  field: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: ApiIssue[] = [],
    /** The whole answer (e.g. a 422 SMART check). */
    readonly body: unknown = undefined,
  ) {
    super(message);
  }
}

let csrfToken: string | null = null;
export const setCsrfToken = (token: string | null) => {
  csrfToken = token;
};

/** Called on any 401 (the session ended): the app goes back to the login page. */
let onUnauthorized: () => void = () => {};
export const setUnauthorizedHandler = (handler: () => void) => {
  onUnauthorized = handler;
};

type Query = Record<string, string | number | boolean | readonly string[] | null | undefined>;

/** A query string; arrays repeat their key (where=a&where=b); empty values are left out. */
export function queryString(query: Query | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    if (Array.isArray(value)) for (const v of value) params.append(key, String(v));
    else params.append(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

export function apiUrl(path: string, query?: Query): string {
  return `${API}${path}${queryString(query)}`;
}

async function errorFrom(res: Response): Promise<ApiError> {
  let code = 'http_error';
  let message = `${res.status} ${res.statusText}`;
  let issues: ApiIssue[] = [];
  let body: { error?: { code?: string; message?: string; issues?: ApiIssue[] } } | undefined;
  try {
    body = (await res.json()) as { error?: { code?: string; message?: string; issues?: ApiIssue[] } };
    if (body.error) {
      code = body.error.code ?? code;
      message = body.error.message ?? message;
      issues = body.error.issues ?? [];
    }
  } catch {
    // not JSON: keep the status line
  }
  return new ApiError(res.status, code, message, issues, body);
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  query?: Query;
  body?: unknown;
  signal?: AbortSignal;
}

export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json' };
  let body: BodyInit | undefined;
  if (options.body instanceof FormData) {
    body = options.body;
  } else if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  const res = await fetch(apiUrl(path, options.query), {
    method,
    headers,
    body: body ?? null,
    credentials: 'same-origin',
    signal: options.signal ?? null,
  });
  if (res.status === 401 && !path.startsWith('/auth/login')) onUnauthorized();
  if (!res.ok) throw await errorFrom(res);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

export const get = <T>(path: string, query?: Query, signal?: AbortSignal) =>
  request<T>(path, { query, ...(signal ? { signal } : {}) });

/** Which API routes this server has (from its OpenAPI document): pages built ahead of a route say so. */
export type Capabilities = ReadonlySet<string>;

let capabilities: Promise<Capabilities> | null = null;
export function loadCapabilities(): Promise<Capabilities> {
  capabilities ??= fetch('/api/openapi.json', { credentials: 'same-origin' })
    .then(
      (res): Promise<{ paths?: Record<string, Record<string, unknown>> }> =>
        res.ok ? res.json() : Promise.resolve({}),
    )
    .then((doc) => {
      const out = new Set<string>();
      for (const [path, ops] of Object.entries(doc.paths ?? {})) {
        for (const method of Object.keys(ops)) out.add(`${method.toUpperCase()} ${path}`);
      }
      return out as Capabilities;
    })
    .catch(() => new Set<string>() as Capabilities);
  return capabilities;
}
