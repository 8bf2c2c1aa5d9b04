import { describe, expect, it } from 'vitest';
import { HOME, fromHash, toHash, type Route } from './route';

describe('routes', () => {
  it('go to a fragment and back, ids with any character included', () => {
    const routes: Route[] = [
      HOME,
      { ...HOME, place: 'osm:node:25191432' },
      { ...HOME, view: 'alerts' },
      { ...HOME, view: 'alerts', alert: 'urn:oid:2.49/x?y#z' },
      { ...HOME, view: 'reports' },
      { ...HOME, view: 'reports', filing: true },
      { ...HOME, view: 'communes' },
      { ...HOME, view: 'advice', advice: null },
      { ...HOME, view: 'advice', advice: 'plan-familial' },
      { ...HOME, settings: true },
    ];
    for (const r of routes) expect(fromHash(toHash(r))).toEqual(r);
    expect(toHash({ ...HOME, view: 'alerts', alert: 'a/b' })).toBe('#/alerts/a%2Fb');
  });

  it('read anything else as the directory, and a broken id as the list', () => {
    for (const h of ['', '#', '#/', '#/nowhere', '#/directory/place/']) expect(fromHash(h)).toEqual(HOME);
    // A broken escape: the alerts list rather than an alert no one has.
    expect(fromHash('#/alerts/%E0%A4%A')).toEqual({ ...HOME, view: 'alerts' });
  });
});
