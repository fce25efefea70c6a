import { useCallback, useEffect, useState } from "react";

/**
 * A router of a few lines instead of a routing library: the app has a handful of flat routes,
 * and the History API does all that is needed (links, back and forward, reload on any route,
 * since the API serves index.html for every app path).
 */

const listeners = new Set<() => void>();

/** navigate goes to an app path, adding a history entry (or replacing the current one). */
export function navigate(path: string, options: { replace?: boolean } = {}): void {
  if (options.replace) window.history.replaceState(null, "", path);
  else window.history.pushState(null, "", path);
  for (const listener of listeners) listener();
}

/** useLocation returns the current path and search, re-rendering when they change. */
export function useLocation(): { path: string; search: URLSearchParams } {
  const read = useCallback(
    () => ({ path: window.location.pathname, search: new URLSearchParams(window.location.search) }),
    [],
  );
  const [location, setLocation] = useState(read);
  useEffect(() => {
    const update = () => setLocation(read());
    listeners.add(update);
    window.addEventListener("popstate", update);
    return () => {
      listeners.delete(update);
      window.removeEventListener("popstate", update);
    };
  }, [read]);
  return location;
}

/**
 * matchPath matches "/monitors/:id/edit" against a path: the named segments, or undefined when
 * it does not match.
 */
export function matchPath(pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.split("/").filter(Boolean);
  const have = path.split("/").filter(Boolean);
  if (want.length !== have.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const segment = want[i] ?? "";
    const actual = decodeURIComponent(have[i] ?? "");
    if (segment.startsWith(":")) params[segment.slice(1)] = actual;
    else if (segment !== actual) return undefined;
  }
  return params;
}
