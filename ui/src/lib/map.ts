// Maps drawn with Leaflet (bundled: nothing is fetched from a CDN) on SVG.
// The communes' outlines (synced with the communes) and the points are the
// map, so it draws offline and asks no third party for anything; a town hall
// may add base tiles (`--tiles-url`), drawn under them only while online. Leaflet rather than MapLibre GL: it needs no WebGL, which
// the desktop webview under a virtual display (and many old phones) lack.
import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import type { Commune } from '../bindings/Commune';
import { baseTiles, onBaseTiles } from './basetiles';

export type { BaseTiles } from './basetiles';

export { L };

/** The colours of the alert levels and of open states (as in base.css). */
export const COLOURS = {
  information: '#003d7a',
  watch_and_act: '#8a4600',
  emergency: '#a3121b',
  all_clear: '#1e6b34',
  open: '#1e6b34',
  closed: '#a3121b',
  unknown: '#4a4a4a',
  outline: '#6b7580',
  home: '#003d7a',
} as const;

// The maps alive, which follow the base tiles when they change (online, offline).
const live = new Set<L.Map>();
onBaseTiles(() => {
  for (const map of live) applyTiles(map);
});
const tileLayers = new WeakMap<L.Map, { layer: L.TileLayer; credit: L.Control.Attribution }>();

/** Text as HTML (Leaflet shows attributions as HTML). */
function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function applyTiles(map: L.Map) {
  const old = tileLayers.get(map);
  if (old) {
    old.layer.remove();
    old.credit.remove();
    tileLayers.delete(map);
  }
  const tiles = baseTiles();
  if (!tiles) return;
  const credit = L.control.attribution({ prefix: false }).addTo(map);
  const layer = L.tileLayer(tiles.url, {
    attribution: escapeHtml(tiles.attribution),
    maxZoom: tiles.maxZoom,
    className: 'base-tiles',
  }).addTo(map);
  layer.bringToBack();
  tileLayers.set(map, { layer, credit });
}

/**
 * A map in `el`, with the town hall's base tiles if it chose some and they
 * may be fetched now (see `setBaseTiles`), else none. Keyboard users move it with the arrows
 * and zoom with + and − once it has the focus (Leaflet's keyboard handler);
 * its `label` says what it shows and where its list equivalent is.
 */
export function createMap(el: HTMLElement, label: string): L.Map {
  const map = L.map(el, {
    attributionControl: false,
    zoomSnap: 0.25,
    // The outlines and points are SVG: one element per shape, in the DOM.
    preferCanvas: false,
    // No animations: calmer (reduced motion), and a zoom animation whose end
    // a webview never signals left the drawing at the old zoom while taps
    // were read at the new one.
    zoomAnimation: false,
    // The page scrolls over the map: the wheel never zooms it by surprise
    // (the buttons, a double tap, a pinch and the keyboard do).
    scrollWheelZoom: false,
    fadeAnimation: false,
    markerZoomAnimation: false,
  });
  el.setAttribute('role', 'region');
  el.setAttribute('aria-label', label);
  live.add(map);
  map.on('unload', () => live.delete(map));
  applyTiles(map);
  return map;
}

/** A commune's outline as GeoJSON for Leaflet (`[lon, lat]` rings). */
export function outlineFeature(c: Commune): GeoJSON.Feature | null {
  if (!c.outline) return null;
  return {
    type: 'Feature',
    properties: { code: c.code, name: c.name },
    geometry: { type: 'MultiPolygon', coordinates: c.outline },
  };
}

/** Every commune's outline, thin and unfilled (the map's background). */
export function outlinesLayer(communes: Commune[]): L.GeoJSON {
  const features = communes.map(outlineFeature).filter((f): f is GeoJSON.Feature => f !== null);
  return L.geoJSON({ type: 'FeatureCollection', features } as GeoJSON.FeatureCollection, {
    style: (f) => ({ color: COLOURS.outline, weight: 1, fill: false, className: `commune commune-${f?.properties?.code}` }),
    interactive: false,
  });
}

/**
 * Fits the map to `bounds` (the territory's outlines, or the points shown),
 * and again whenever its box changes size (laid out after it was made, the
 * window resized) until the resident moves it themselves.
 */
export function fitTo(map: L.Map, bounds: () => L.LatLngBounds): () => void {
  const fit = () => {
    const b = bounds();
    if (b.isValid()) map.fitBounds(b, { padding: [8, 8], maxZoom: 16 });
    else map.setView([43.75, 7.25], 9);
  };
  let moved = false;
  const el = map.getContainer();
  for (const event of ['mousedown', 'touchstart', 'keydown', 'wheel']) {
    el.addEventListener(event, () => (moved = true), { once: true, passive: true });
  }
  const refit = () => {
    map.invalidateSize({ pan: false });
    if (!moved) fit();
  };
  const observer = new ResizeObserver(refit);
  observer.observe(el);
  map.on('unload', () => observer.disconnect());
  fit();
  // Once laid out (a map made in a section just opened has no size yet).
  requestAnimationFrame(() => requestAnimationFrame(refit));
  // Fits again (what is shown changed), unless the resident moved it.
  return () => {
    if (!moved) fit();
  };
}

/** Fits the map to the territory's outlines (see `fitTo`). */
export function fitTerritory(map: L.Map, layer: L.GeoJSON) {
  return fitTo(map, () => layer.getBounds());
}
