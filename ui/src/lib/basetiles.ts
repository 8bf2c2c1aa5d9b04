// The base tiles every map draws now (none: the communes' outlines alone),
// kept apart from the maps themselves so that a screen with no map open does
// not load Leaflet (see map.ts, loaded with the first map shown).

/** A base map the town hall chose: where its tiles are and their credit. */
export interface BaseTiles {
  url: string;
  attribution: string;
  maxZoom: number;
}

let current: BaseTiles | null = null;
const listeners = new Set<(tiles: BaseTiles | null) => void>();

/** The base tiles maps draw now. */
export function baseTiles(): BaseTiles | null {
  return current;
}

/** Calls `f` whenever the base tiles change (the maps alive follow). */
export function onBaseTiles(f: (tiles: BaseTiles | null) => void): void {
  listeners.add(f);
}

/**
 * Draws `tiles` under every map from now on (`null`: none, and no tile is
 * asked for). The app calls it as it goes online or offline.
 */
export function setBaseTiles(tiles: BaseTiles | null): void {
  const same =
    tiles === current ||
    (tiles !== null && current !== null && tiles.url === current.url && tiles.attribution === current.attribution && tiles.maxZoom === current.maxZoom);
  if (same) return;
  current = tiles;
  for (const f of listeners) f(tiles);
}
