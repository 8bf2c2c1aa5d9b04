// The town hall's base tiles in the app: the webview may load images from
// the app only, so the maps ask the `tiles:` scheme and the core fetches
// each tile from the town hall's tile server (src-tauri/src/tiles.rs).
import { convertFileSrc } from '@tauri-apps/api/core';
import type { BaseTiles } from '../lib/basetiles';
import type { MapSettings } from '../bindings/MapSettings';

/** The base tiles to draw: only with a base map, and only while online. */
export function appTiles(settings: MapSettings | null, online: boolean): BaseTiles | null {
  const source = settings?.tiles;
  if (!source || !online) return null;
  return { url: `${convertFileSrc('', 'tiles')}{z}/{x}/{y}`, attribution: source.attribution, maxZoom: source.max_zoom };
}
