// The last position the device gave the app, kept on the device only, so a
// new report starts where the resident is. Older than MAX_AGE_MS it says
// nothing any more (the resident has likely moved): the report starts from
// the home commune instead.

export const LAST_POSITION_KEY = 'beffroi-last-position';
export const MAX_AGE_MS = 30 * 60 * 1000;

export type Fix = { lat: number; lon: number; at: number };

/** The stored position if it is recent and well formed, else null. */
export function lastPosition(storage: Pick<Storage, 'getItem'>, now = Date.now()): Fix | null {
  let fix: unknown;
  try {
    fix = JSON.parse(storage.getItem(LAST_POSITION_KEY) ?? 'null');
  } catch {
    return null;
  }
  if (typeof fix !== 'object' || fix === null) return null;
  const { lat, lon, at } = fix as Record<string, unknown>;
  const ok =
    typeof lat === 'number' && typeof lon === 'number' && typeof at === 'number' &&
    Math.abs(lat) <= 90 && Math.abs(lon) <= 180 && at <= now && now - at <= MAX_AGE_MS;
  return ok ? { lat, lon, at } : null;
}

export function rememberPosition(storage: Pick<Storage, 'setItem'>, lat: number, lon: number, now = Date.now()) {
  storage.setItem(LAST_POSITION_KEY, JSON.stringify({ lat, lon, at: now }));
}
