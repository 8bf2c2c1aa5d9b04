// What to tell staff when a call fails, in their language. The server's
// errors carry a stable code; for the general ones a sentence from locales/
// says it all; for refused input (invalid_*, conflicts) the server's own
// message (said in the console's language: see `call` in api.ts) names the
// field or value at fault and is shown after ours.
import { t } from '../lib/locale.svelte';
import { ApiError } from './api';

const GENERAL = new Set([
  'unauthorized',
  'forbidden',
  'not_found',
  'too_many_requests',
  'payload_too_large',
  'unsupported_media_type',
  'method_not_allowed',
  'internal',
  'busy',
  'draft_changed',
]);

export function describe(e: unknown): string {
  if (e instanceof ApiError) {
    if (GENERAL.has(e.code)) return t(`server-error-${e.code}`);
    return t('server-error-refused', { detail: e.message });
  }
  // fetch() rejects with a TypeError when the server cannot be reached.
  if (e instanceof TypeError) return t('server-error-network');
  return e instanceof Error ? e.message : String(e);
}
