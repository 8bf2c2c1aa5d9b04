// Calls to the town hall API from the console (same origin). Errors carry the
// server's `{"error": {"code", "message"}}`.
import type { Commune } from '../bindings/Commune';
import type { ErrorBody } from '../bindings/ErrorBody';
import type { LoginResponse } from '../bindings/LoginResponse';
import type { SyncPage } from '../bindings/SyncPage';

export type { Commune, LoginResponse };

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function call<T>(path: string, init: RequestInit = {}, token?: string): Promise<T> {
  const headers = new Headers(init.headers);
  if (token) headers.set('authorization', `Bearer ${token}`);
  if (init.body) headers.set('content-type', 'application/json');
  const resp = await fetch(`/api/v1${path}`, { ...init, headers });
  if (!resp.ok) {
    const body = (await resp.json().catch(() => null)) as ErrorBody | null;
    throw new ApiError(resp.status, body?.error.code ?? 'unknown', body?.error.message ?? resp.statusText);
  }
  return (resp.status === 204 ? undefined : await resp.json()) as T;
}

export const api = {
  login: (username: string, password: string) =>
    call<LoginResponse>('/auth/login', { method: 'POST', body: JSON.stringify({ username, password }) }),
  logout: (token: string) => call<void>('/auth/logout', { method: 'POST' }, token),
  communes: async () => (await call<SyncPage<Commune>>('/communes?limit=1000')).items,
};
