// Links the app follows itself rather than handing them to the browser.

/**
 * The advice page an alert's link names, when the link is the town hall's
 * own public page of it (`{origin}/advice/{id}`, the address the console
 * gives): the app opens its own copy, offline too. A link elsewhere (another
 * site's `/advice/…`) is no page of ours.
 */
export function adviceId(web: string | null | undefined, origin: string | null | undefined): string | null {
  if (!web || !origin) return null;
  try {
    const url = new URL(web);
    if (url.origin !== new URL(origin).origin) return null;
    return /^\/advice\/([a-z0-9-]+)$/.exec(url.pathname)?.[1] ?? null;
  } catch {
    return null;
  }
}
