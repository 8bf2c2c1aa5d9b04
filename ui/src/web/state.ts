// What the web app keeps in the browser (no account): the resident's language
// and communes, the keys pinned at the first visit, which alerts were read,
// and the last verified alerts so they open offline.
import type { RulesAt } from '../bindings/RulesAt';
import type { PublicKey } from '../bindings/PublicKey';
import type { SignedThread } from '../bindings/SignedThread';
import type { Lang } from '../lib/i18n';

export type WebState = {
  lang: Lang | null;
  /** INSEE codes of the communes followed. */
  communes: string[];
  keys: PublicKey[];
  /** Thread → how many of its messages were read. */
  read: Record<string, number>;
  /** The last threads received, verified again (with the clock of the
   * moment) when read offline. */
  threads: SignedThread[];
  /** Reports of public categories followed (filed nearby by others), by id. */
  followed: string[];
  /** When that list was fetched (ISO 8601). */
  fetched: string | null;
  /** The rules in force in the communes followed, as last fetched (shown
   * offline), and when they came (ms since the epoch). */
  rules: RulesAt | null;
  rulesReceived: number;
};

const KEY = 'beffroi-web';

const EMPTY: WebState = {
  lang: null, communes: [], keys: [], read: {}, threads: [], followed: [], fetched: null, rules: null, rulesReceived: 0,
};

export function loadState(): WebState {
  try {
    const s = JSON.parse(localStorage.getItem(KEY) ?? 'null') as Partial<WebState> | null;
    return { ...EMPTY, ...(s ?? {}) };
  } catch {
    return { ...EMPTY };
  }
}

export function saveState(s: WebState): void {
  localStorage.setItem(KEY, JSON.stringify(s));
}

export function updateState(change: (s: WebState) => void): WebState {
  const s = loadState();
  change(s);
  saveState(s);
  return s;
}
