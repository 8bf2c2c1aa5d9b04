// Where the resident is in the app, as a URL fragment tied to the history:
// the system's back (the Android back button, a browser's back, a mouse's
// back button) goes to the previous screen, as each screen's own "back" does.
// `#/directory`, `#/directory/place/ID`, `#/alerts`, `#/alerts/THREAD`,
// `#/reports`, `#/reports/new`, `#/communes`, `#/advice`, `#/advice/ID`, `#/aid`, `#/settings`.

export type View = 'directory' | 'alerts' | 'reports' | 'communes' | 'advice' | 'aid';

export interface Route {
  view: View;
  /** A directory place's page. */
  place: string | null;
  /** An alert's page (its thread). */
  alert: string | null;
  /** An advice page (its id). */
  advice?: string | null;
  /** The report form. */
  filing: boolean;
  /** The settings. */
  settings: boolean;
}

export const HOME: Route = { view: 'directory', place: null, alert: null, filing: false, settings: false };

const enc = encodeURIComponent;

/** The fragment of a route. */
export function toHash(r: Route): string {
  if (r.settings) return '#/settings';
  switch (r.view) {
    case 'directory':
      return r.place ? `#/directory/place/${enc(r.place)}` : '#/directory';
    case 'alerts':
      return r.alert ? `#/alerts/${enc(r.alert)}` : '#/alerts';
    case 'reports':
      return r.filing ? '#/reports/new' : '#/reports';
    case 'communes':
      return '#/communes';
    case 'advice':
      return r.advice ? `#/advice/${enc(r.advice)}` : '#/advice';
    case 'aid':
      return '#/aid';
  }
}

function decode(s: string): string | null {
  try {
    return decodeURIComponent(s);
  } catch {
    return null;
  }
}

/** The route of a fragment; the directory for anything else. */
export function fromHash(hash: string): Route {
  const [first, second, third] = hash.replace(/^#\/?/, '').split('/');
  switch (first) {
    case 'settings':
      return { ...HOME, settings: true };
    case 'alerts':
      return { ...HOME, view: 'alerts', alert: second ? decode(second) : null };
    case 'reports':
      return { ...HOME, view: 'reports', filing: second === 'new' };
    case 'communes':
      return { ...HOME, view: 'communes' };
    case 'advice':
      return { ...HOME, view: 'advice', advice: second ? decode(second) : null };
    case 'aid':
      return { ...HOME, view: 'aid' };
    case 'directory':
      return { ...HOME, place: second === 'place' && third ? decode(third) : null };
    default:
      return HOME;
  }
}

/** Puts a screen in the history: the first replaces the bare address, each next one is pushed. */
export function showRoute(r: Route): void {
  const hash = toHash(r);
  if (location.hash === '') history.replaceState(null, '', hash);
  else if (location.hash !== hash) history.pushState(null, '', hash);
}
