import { useCallback, useEffect, useRef, useState } from "react";
import { type ApiProblem, isUnauthenticated, problemOf } from "../../api/errors";

/** Collection is a list loaded once and then kept in step with what the page adds and removes. */
export interface Collection<T> {
  /** The items, newest first; undefined while loading (or when loading failed). */
  items: T[] | undefined;
  /** Why the list could not be loaded, in the server's words. */
  problem: ApiProblem | undefined;
  /** add puts an item just created at the top (replacing one with the same id). */
  add: (item: T) => void;
  /** remove takes an item just deleted out. */
  remove: (id: string) => void;
}

/**
 * useCollection loads a list with `load` (again whenever `load` changes: pass a stable one,
 * from useCallback) and holds it, with add and remove for what the page itself changes.
 */
export function useCollection<T extends { id: string }>(
  load: (signal: AbortSignal) => Promise<T[]>,
  onUnauthenticated: () => void,
): Collection<T> {
  const [items, setItems] = useState<T[]>();
  const [problem, setProblem] = useState<ApiProblem>();
  const expired = useRef(onUnauthenticated);
  expired.current = onUnauthenticated;

  useEffect(() => {
    const controller = new AbortController();
    setItems(undefined);
    setProblem(undefined);
    load(controller.signal).then(setItems, (error: unknown) => {
      if (controller.signal.aborted) return;
      if (isUnauthenticated(error)) expired.current();
      setProblem(problemOf(error));
    });
    return () => controller.abort();
  }, [load]);

  const add = useCallback(
    (item: T) => setItems((held) => [item, ...(held ?? []).filter((i) => i.id !== item.id)]),
    [],
  );
  const remove = useCallback(
    (id: string) => setItems((held) => held?.filter((i) => i.id !== id)),
    [],
  );
  return { items, problem, add, remove };
}

/**
 * rethrowing is a catch handler for the page's own actions: it sends an expired session back to
 * sign-in, and rethrows, so the form or dialog shows the server's words.
 */
export function rethrowing(onUnauthenticated: () => void) {
  return (error: unknown): never => {
    if (isUnauthenticated(error)) onUnauthenticated();
    throw error;
  };
}
