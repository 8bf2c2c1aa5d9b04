// Typed calls to the Tauri commands of src-tauri. The types are generated from
// Rust by ts-rs (src/bindings); only the command names are written here.
import { invoke } from '@tauri-apps/api/core';
import { alertTexts, readingLangs } from './reading';
import { t } from '../lib/locale.svelte';
import type { Commune } from '../bindings/Commune';
import type { CommandError } from '../bindings/CommandError';
import type { InseeCode } from '../bindings/InseeCode';
import type { Lang } from '../bindings/Lang';
import type { Settings } from '../bindings/Settings';
import type { ServerCheck } from '../bindings/ServerCheck';
import type { SyncReport } from '../bindings/SyncReport';
import type { SyncStatus } from '../bindings/SyncStatus';
import type { CategoryInfo } from '../bindings/CategoryInfo';
import type { PlaceDetails } from '../bindings/PlaceDetails';
import type { PlaceResult } from '../bindings/PlaceResult';
import type { SearchQuery } from '../bindings/SearchQuery';
import type { ResidentAlert } from '../bindings/ResidentAlert';
import type { AlertText } from '../bindings/AlertText';
import type { FiledReport } from '../bindings/FiledReport';
import type { NewReport } from '../bindings/NewReport';
import type { ReportCategory } from '../bindings/ReportCategory';
import type { Position } from '../bindings/Position';
import type { TrustedKey } from '../bindings/TrustedKey';
import type { SavedPlace } from '../bindings/SavedPlace';
import type { Severity } from '../bindings/Severity';
import type { NearbyReport } from '../bindings/NearbyReport';
import type { ReporterView } from '../bindings/ReporterView';
import type { MapSettings } from '../bindings/MapSettings';
import type { RulesAt } from '../bindings/RulesAt';
import type { AdvicePage } from '../bindings/AdvicePage';
import type { AidKind } from '../bindings/AidKind';
import type { AidListing } from '../bindings/AidListing';
import type { AidMine } from '../bindings/AidMine';
import type { AidPost } from '../bindings/AidPost';
import type { NewAidPost } from '../bindings/NewAidPost';
import type { AidBackend } from './Aid.svelte';

export type {
  AdvicePage,
  AlertText,
  CategoryInfo,
  Commune,
  CommandError,
  FiledReport,
  NearbyReport,
  NewReport,
  PlaceDetails,
  RulesAt,
  PlaceResult,
  ReportCategory,
  ReporterView,
  ResidentAlert,
  SavedPlace,
  SearchQuery,
  Severity,
  ServerCheck,
  Settings,
  SyncStatus,
  TrustedKey,
};



export { alertTexts, readingLangs };

/** The first text a resident whose interface is in `lang` reads (see `alertTexts`). */
export function alertText(a: ResidentAlert, lang: string): AlertText | undefined {
  return alertTexts(a, readingLangs(lang, navigator.languages ?? []))[0];
}

/** How an alert's area reads: the territory, or the communes it lists and
 * "an area on the map" when it has shapes. */
export function areaText(a: ResidentAlert, communes: Commune[]): string {
  const area = a.message.area;
  if (area.kind === 'territory') return t('alert-area-territory');
  const names = area.communes.map((c) => communes.find((x) => x.code === c)?.name ?? c);
  if ((area.polygons?.length ?? 0) + (area.circles?.length ?? 0) > 0) names.push(t('alert-area-shapes'));
  return names.join(', ');
}

/** Alerts that deserve the banner: in force, for the resident, severe or extreme. */
export function severeActive(alerts: ResidentAlert[]): ResidentAlert[] {
  return alerts.filter(
    (a) =>
      a.state === 'active' && !a.all_clear && a.concerns_me &&
      (a.message.severity === 'severe' || a.message.severity === 'extreme'),
  );
}

/** Whether an alert is listed among those in force: in force and for the
 * resident, or its all-clear is recent. */
export function inForce(a: ResidentAlert): boolean {
  return a.concerns_me && (a.state === 'active' || a.all_clear);
}

export { adviceId } from './links';

export { labelIn as label } from '../lib/i18n';

export function isCommandError(e: unknown): e is CommandError {
  return typeof e === 'object' && e !== null && 'kind' in e && 'message' in e;
}

/** What to tell the resident when a command fails, in their language (the
 * details of refused input come from the core and follow ours). */
export function describe(e: unknown): string {
  if (!isCommandError(e)) return t('error-generic', { message: String(e) });
  switch (e.kind) {
    case 'offline':
      return t('error-offline');
    case 'storage':
      return t('error-storage', { detail: e.message });
    case 'invalid':
      return t('error-invalid', { detail: e.message });
    case 'untrusted':
      return t('error-untrusted');
    default:
      return t('error-server', { detail: e.message });
  }
}

/** When the page's first screen came, by its own clock (see `painted`). */
export interface PageMarks {
  /** The navigation's start, in milliseconds since the Unix epoch. */
  origin: number;
  /** Milliseconds after it: the app's script ran, it had the settings, its first screen was drawn. */
  script: number;
  settings: number;
  drawn: number;
}

/**
 * The settings the window asked for as it opened (`FIRST_SETTINGS_SCRIPT`,
 * src-tauri), for the page's first call only: a later call reads them again.
 * Should that early call have failed, the first call asks once more.
 */
function firstSettings(): Promise<Settings> | undefined {
  const w = window as { __BEFFROI_SETTINGS__?: Promise<Settings> };
  const asked = w.__BEFFROI_SETTINGS__;
  delete w.__BEFFROI_SETTINGS__;
  return asked?.catch(() => invoke<Settings>('get_settings'));
}

export const api = {
  settings: () => firstSettings() ?? invoke<Settings>('get_settings'),
  painted: (marks: PageMarks) => invoke<void>('painted', { marks }),
  saveSettings: (lang: Lang, homeCommune: InseeCode) =>
    invoke<Settings>('save_settings', { lang, homeCommune }),
  communes: () => invoke<Commune[]>('list_communes'),
  mapSettings: () => invoke<MapSettings>('map_settings'),
  trustedKeys: () => invoke<TrustedKey[]>('trusted_keys'),
  checkServer: (address: string) => invoke<ServerCheck>('check_server', { address }),
  chooseServer: (address: string) => invoke<Settings>('choose_server', { address }),
  sync: () => invoke<SyncReport>('sync_now'),
  status: () => invoke<SyncStatus>('sync_status'),
  searchPlaces: (query: SearchQuery) => invoke<PlaceResult[]>('search_places', { query }),
  place: (id: string) => invoke<PlaceDetails>('get_place', { id }),
  directorySize: () => invoke<number>('directory_size'),
  categories: () => invoke<CategoryInfo[]>('list_categories'),
  homeCentre: () => invoke<Position | null>('home_centre'),
  alerts: () => invoke<ResidentAlert[]>('list_alerts'),
  markAlertRead: (thread: string) => invoke<boolean>('mark_alert_read', { thread }),
  alertLink: (thread: string) => invoke<string>('alert_link', { thread }),
  places: () => invoke<SavedPlace[]>('list_places'),
  savePlace: (place: SavedPlace, replacing: string | null = null) =>
    invoke<SavedPlace>('save_place', { place, replacing }),
  removePlace: (name: string) => invoke<boolean>('remove_place', { name }),
  setNotifications: (tests: boolean, critical: boolean) =>
    invoke<Settings>('set_notifications', { tests, critical }),
  reportCategories: () => invoke<ReportCategory[]>('report_categories'),
  // The photo's bytes go as the raw request body (no JSON encoding of megabytes).
  stagePhoto: (bytes: Uint8Array) => invoke<string>('stage_photo', bytes),
  fileReport: (report: NewReport, photos: string[]) => invoke<string>('file_report', { report, photos }),
  filedReports: () => invoke<FiledReport[]>('filed_reports'),
  reportPhoto: (id: string, n: number) => invoke<ArrayBuffer>('report_photo', { id, n }),
  nearbyReports: (category: string, at: Position) => invoke<NearbyReport[]>('nearby_reports', { category, at }),
  followReport: (id: string) => invoke<ReporterView>('follow_report', { id }),
  followedReports: () => invoke<ReporterView[]>('followed_reports'),
  rulesInForce: () => invoke<RulesAt>('rules_in_force'),
  advicePages: () => invoke<AdvicePage[]>('advice_pages'),
  advicePage: (id: string) => invoke<AdvicePage>('advice_page', { id }),
};

/** Mutual aid through the desktop core (its outbox sends when it can). */
export const aidBackend: AidBackend = {
  nearby: (from: Position, kind: AidKind | null) => invoke<AidListing[]>('aid_nearby', { from, kind }),
  mine: () => invoke<AidMine>('aid_mine'),
  post: (post: NewAidPost) => invoke<AidPost>('aid_post', { post }),
  withdraw: (id: string) => invoke<void>('aid_withdraw', { id }),
  write: (post: string, thread: string | null, text: string) => invoke<string>('aid_write', { post, thread, text }),
  share: (thread: string, contact: string | null) => invoke<void>('aid_share', { thread, contact }),
  close: (thread: string) => invoke<void>('aid_close', { thread }),
  abuse: (post: string, reason: string) => invoke<void>('aid_abuse', { post, reason }),
  dismiss: () => invoke<void>('aid_dismiss'),
};
