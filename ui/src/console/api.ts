// Calls to the town hall API from the console (same origin). Errors carry the
// server's `{"error": {"code", "message"}}`.
import { lang } from '../lib/locale.svelte';
import type { Commune } from '../bindings/Commune';
import type { ErrorBody } from '../bindings/ErrorBody';
import type { LoginResponse } from '../bindings/LoginResponse';
import type { SyncPage } from '../bindings/SyncPage';
import type { Place } from '../bindings/Place';
import type { PlaceInput } from '../bindings/PlaceInput';
import type { CategoryInfo } from '../bindings/CategoryInfo';
import type { ImportReport } from '../bindings/ImportReport';
import type { AlertDraft } from '../bindings/AlertDraft';
import type { AlertText } from '../bindings/AlertText';
import type { StaffAlert } from '../bindings/StaffAlert';
import type { NotificationPreview } from '../bindings/NotificationPreview';
import type { StaffReport } from '../bindings/StaffReport';
import type { StatusUpdate } from '../bindings/StatusUpdate';
import type { ReportCategory } from '../bindings/ReportCategory';
import type { TownHallLink } from '../bindings/TownHallLink';
import type { Polygon } from '../bindings/Polygon';
import type { Circle } from '../bindings/Circle';
import type { MapSettings } from '../bindings/MapSettings';
import type { Advice } from '../bindings/Advice';
import type { AdviceDraft } from '../bindings/AdviceDraft';
import type { AdviceVersion } from '../bindings/AdviceVersion';
import type { Measure } from '../bindings/Measure';
import type { NewReport } from '../bindings/NewReport';
import type { ReportReceipt } from '../bindings/ReportReceipt';
import type { MeasureDraft } from '../bindings/MeasureDraft';
import type { MeasureVersion } from '../bindings/MeasureVersion';
import type { Rule } from '../bindings/Rule';
import type { ConfinementLevel } from '../bindings/ConfinementLevel';
import type { MaskRule } from '../bindings/MaskRule';
import type { SchoolStatus } from '../bindings/SchoolStatus';
import type { StaffAidPost } from '../bindings/StaffAidPost';
import type { AidState } from '../bindings/AidState';

/** Shapes read and checked by the server, the communes they reach and the places they hold. */
export type Reach = {
  polygons: Polygon[];
  circles: Circle[];
  communes: string[];
  /** The directory's places inside, by kind, the most numerous first. */
  places: { category: string; count: number }[];
};

export type {
  AlertDraft,
  AlertText,
  CategoryInfo,
  Commune,
  ConfinementLevel,
  MaskRule,
  Advice,
  AdviceDraft,
  AdviceVersion,
  Measure,
  MeasureDraft,
  MeasureVersion,
  Rule,
  SchoolStatus,
  StaffAidPost,
  AidState,
  ImportReport,
  LoginResponse,
  NotificationPreview,
  Place,
  PlaceInput,
  StaffAlert,
  StaffReport,
  StatusUpdate,
  ReportCategory,
  TownHallLink,
};

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function call<T>(
  path: string,
  init: RequestInit = {},
  token?: string,
  onResponse?: (resp: Response) => void,
): Promise<T> {
  const headers = new Headers(init.headers);
  if (token) headers.set('authorization', `Bearer ${token}`);
  // The server says its refusals in the console's language.
  headers.set('accept-language', lang());
  if (init.body && !headers.has('content-type')) headers.set('content-type', 'application/json');
  const resp = await fetch(`/api/v1${path}`, { ...init, headers });
  if (!resp.ok) {
    const body = (await resp.json().catch(() => null)) as ErrorBody | null;
    throw new ApiError(resp.status, body?.error.code ?? 'unknown', body?.error.message ?? resp.statusText);
  }
  onResponse?.(resp);
  return (resp.status === 204 ? undefined : await resp.json()) as T;
}

export const api = {
  login: (username: string, password: string) =>
    call<LoginResponse>('/auth/login', { method: 'POST', body: JSON.stringify({ username, password }) }),
  logout: (token: string) => call<void>('/auth/logout', { method: 'POST' }, token),
  communes: async () => (await call<SyncPage<Commune>>('/communes?limit=1000')).items,
  mapSettings: () => call<MapSettings>('/map'),
  categories: () => call<CategoryInfo[]>('/categories'),
  places: (token: string, q: string) =>
    call<Place[]>(`/admin/places?limit=200&q=${encodeURIComponent(q)}`, {}, token),
  createPlace: (token: string, input: PlaceInput) =>
    call<Place>('/admin/places', { method: 'POST', body: JSON.stringify(input) }, token),
  updatePlace: (token: string, id: string, input: PlaceInput) =>
    call<Place>(`/admin/places/${encodeURIComponent(id)}`, { method: 'PUT', body: JSON.stringify(input) }, token),
  deletePlace: (token: string, id: string) =>
    call<void>(`/admin/places/${encodeURIComponent(id)}`, { method: 'DELETE' }, token),
  alerts: (token: string) => call<StaffAlert[]>('/admin/alerts', {}, token),
  draftAlert: (token: string, draft: AlertDraft) =>
    call<StaffAlert>('/admin/alerts', { method: 'POST', body: JSON.stringify(draft) }, token),
  editAlert: (token: string, id: string, draft: AlertDraft) =>
    call<StaffAlert>(`/admin/alerts/${id}`, { method: 'PUT', body: JSON.stringify(draft) }, token),
  previewAlert: (token: string, id: string) => call<NotificationPreview[]>(`/admin/alerts/${id}/preview`, {}, token),
  // `reviewed`: the draft as the publisher saw it; the server refuses if it changed since.
  publishAlert: (token: string, id: string, reviewed: string) =>
    call<StaffAlert>(
      `/admin/alerts/${id}/publish?${new URLSearchParams({ reviewed })}`,
      { method: 'POST' },
      token,
    ),
  updateAlert: (token: string, id: string, draft: AlertDraft) =>
    call<StaffAlert>(`/admin/alerts/${id}/update`, { method: 'POST', body: JSON.stringify(draft) }, token),
  cancelAlert: (token: string, id: string) => call<StaffAlert>(`/admin/alerts/${id}/cancel`, { method: 'POST' }, token),
  /** Reads shapes written as CAP writes them; says which communes they reach. */
  reach: (token: string, polygons: string[], circles: string[]) =>
    call<Reach>('/admin/areas/reach', { method: 'POST', body: JSON.stringify({ polygons, circles }) }, token),
  reportCategories: () => call<ReportCategory[]>('/report-categories'),
  /** Files a report as the signed-in staff member (the server records them as its filer). */
  fileReport: (token: string, report: NewReport) =>
    call<ReportReceipt>('/reports', { method: 'POST', body: JSON.stringify(report) }, token),
  townHallLink: (token: string) => call<TownHallLink>('/admin/town-hall-link', {}, token),
  /** One page of the triage list, and the `after` of the next one when there is more. */
  reports: async (token: string, query: URLSearchParams) => {
    let next: string | null = null;
    const items = await call<StaffReport[]>(`/admin/reports?${query}`, {}, token, (resp) => {
      next = resp.headers.get('beffroi-next-page');
    });
    return { items, next: next as string | null };
  },
  /** Every report matching `query`, page after page (for the exports). */
  allReports: async (token: string, query: URLSearchParams) => {
    const all: StaffReport[] = [];
    let after: string | null = null;
    // At most 1,000 pages of 1,000: the bound a device's sync has too.
    for (let i = 0; i < 1000; i++) {
      const q = new URLSearchParams(query);
      q.set('limit', '1000');
      if (after) q.set('after', after);
      const page = await api.reports(token, q);
      all.push(...page.items);
      if (!page.next) break;
      after = page.next;
    }
    return all;
  },
  reportPhotos: (token: string, id: string) => call<string[]>(`/admin/reports/${id}/photos`, {}, token),
  // Photos need the staff token, so they are fetched, not linked.
  reportPhoto: async (token: string, id: string, name: string): Promise<Blob> => {
    const resp = await fetch(`/api/v1/admin/reports/${id}/photos/${encodeURIComponent(name)}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    if (!resp.ok) throw new ApiError(resp.status, 'photo', resp.statusText);
    return resp.blob();
  },
  changeReportStatus: (token: string, id: string, update: StatusUpdate) =>
    call<StaffReport>(`/admin/reports/${id}/status`, { method: 'POST', body: JSON.stringify(update) }, token),
  /** Every measure not withdrawn (the open data: ended ones included). */
  measures: () => call<Measure[]>('/open-data/measures.json'),
  /** Every version of a measure, oldest first. */
  measureHistory: (id: string) => call<MeasureVersion[]>(`/measures/${encodeURIComponent(id)}/history`),
  createMeasure: (token: string, draft: MeasureDraft) =>
    call<Measure>('/admin/measures', { method: 'POST', body: JSON.stringify(draft) }, token),
  // `version`: the one the form was filled from; the server refuses (409) if a newer one exists.
  updateMeasure: (token: string, id: string, version: number, draft: MeasureDraft) =>
    call<Measure>(
      `/admin/measures/${encodeURIComponent(id)}?${new URLSearchParams({ version: String(version) })}`,
      { method: 'PUT', body: JSON.stringify(draft) },
      token,
    ),
  withdrawMeasure: (token: string, id: string, version: number) =>
    call<Measure>(
      `/admin/measures/${encodeURIComponent(id)}?${new URLSearchParams({ version: String(version) })}`,
      { method: 'DELETE' },
      token,
    ),
  /** Every advice page not withdrawn (a page of at most 1,000: a town hall has a few dozen). */
  advice: async () => (await call<SyncPage<Advice>>('/advice?since=0&limit=1000')).items,
  adviceHistory: (token: string, id: string) =>
    call<AdviceVersion[]>(`/admin/advice/${encodeURIComponent(id)}/history`, {}, token),
  createAdvice: (token: string, id: string, draft: AdviceDraft) =>
    call<Advice>('/admin/advice', { method: 'POST', body: JSON.stringify({ id, ...draft }) }, token),
  // `version`: the one the form was filled from; the server refuses (409) if a newer one exists.
  updateAdvice: (token: string, id: string, version: number, draft: AdviceDraft) =>
    call<Advice>(
      `/admin/advice/${encodeURIComponent(id)}?${new URLSearchParams({ version: String(version) })}`,
      { method: 'PUT', body: JSON.stringify(draft) },
      token,
    ),
  withdrawAdvice: (token: string, id: string, version: number) =>
    call<Advice>(
      `/admin/advice/${encodeURIComponent(id)}?${new URLSearchParams({ version: String(version) })}`,
      { method: 'DELETE' },
      token,
    ),
  /** Markdown as residents will see it: HTML made safe by the server. */
  previewAdvice: (token: string, body: string) =>
    call<{ html: string }>('/admin/advice-preview', { method: 'POST', body: JSON.stringify({ body }) }, token),
  /** Mutual-aid posts in one state (pending: the oldest first) or all. */
  aidPosts: (token: string, state: AidState | null) =>
    call<StaffAidPost[]>(`/admin/aid${state ? `?state=${state}` : ''}`, {}, token),
  approveAid: (token: string, id: string) =>
    call<StaffAidPost>(`/admin/aid/${encodeURIComponent(id)}/approve`, { method: 'POST' }, token),
  hideAid: (token: string, id: string) =>
    call<StaffAidPost>(`/admin/aid/${encodeURIComponent(id)}/hide`, { method: 'POST' }, token),
  /** Blocks (or unblocks) the device that wrote a post; how many of its posts were hidden. */
  blockAid: (token: string, id: string, blocked: boolean) =>
    call<{ hidden: number }>(
      `/admin/aid/${encodeURIComponent(id)}/block`,
      { method: 'PUT', body: JSON.stringify({ blocked }) },
      token,
    ),
  aidPublishFirst: (token: string) => call<string[]>('/admin/aid/publish-first', {}, token),
  setAidPublishFirst: (token: string, code: string, on: boolean) =>
    call<void>(
      `/admin/aid/publish-first/${encodeURIComponent(code)}`,
      { method: 'PUT', body: JSON.stringify({ publish_first: on }) },
      token,
    ),
  importPlaces: (token: string, file: File) =>
    call<ImportReport>(
      '/admin/places/import',
      {
        method: 'POST',
        body: file,
        headers: { 'content-type': /\.csv$/i.test(file.name) ? 'text/csv' : 'application/geo+json' },
      },
      token,
    ),
};

/** A place's editable fields, for a form. */
export function toInput(p: Place): PlaceInput {
  const { id: _id, commune: _c, source: _s, tags: _t, ...input } = p;
  return input;
}
