// Typed calls to the Tauri commands of src-tauri. The types are generated from
// Rust by ts-rs (src/bindings); only the command names are written here.
import { invoke } from '@tauri-apps/api/core';
import type { Commune } from '../bindings/Commune';
import type { CommandError } from '../bindings/CommandError';
import type { InseeCode } from '../bindings/InseeCode';
import type { Lang } from '../bindings/Lang';
import type { Settings } from '../bindings/Settings';
import type { SyncReport } from '../bindings/SyncReport';
import type { SyncStatus } from '../bindings/SyncStatus';
import type { CategoryInfo } from '../bindings/CategoryInfo';
import type { PlaceDetails } from '../bindings/PlaceDetails';
import type { PlaceResult } from '../bindings/PlaceResult';
import type { SearchQuery } from '../bindings/SearchQuery';

export type { CategoryInfo, Commune, CommandError, PlaceDetails, PlaceResult, SearchQuery, Settings, SyncStatus };

export function isCommandError(e: unknown): e is CommandError {
  return typeof e === 'object' && e !== null && 'kind' in e && 'message' in e;
}

export const api = {
  settings: () => invoke<Settings>('get_settings'),
  saveSettings: (lang: Lang, homeCommune: InseeCode) =>
    invoke<Settings>('save_settings', { lang, homeCommune }),
  communes: () => invoke<Commune[]>('list_communes'),
  sync: () => invoke<SyncReport>('sync_now'),
  status: () => invoke<SyncStatus>('sync_status'),
  searchPlaces: (query: SearchQuery) => invoke<PlaceResult[]>('search_places', { query }),
  place: (id: string) => invoke<PlaceDetails>('get_place', { id }),
  directorySize: () => invoke<number>('directory_size'),
  categories: () => invoke<CategoryInfo[]>('list_categories'),
};
