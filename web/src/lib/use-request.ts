import { useEffect, useRef, useState } from "react";
import { type ApiProblem, isUnauthenticated, problemOf } from "../api/errors";

/** RequestState is what a component shows of one RPC: its answer, the server's error, or neither yet. */
export interface RequestState<T> {
  data: T | undefined;
  problem: ApiProblem | undefined;
  /** True until the first answer (or error) for the current key. */
  loading: boolean;
}

interface Held<T> extends RequestState<T> {
  key: string | undefined;
}

const IDLE = { data: undefined, problem: undefined, loading: false };

/**
 * useRequest runs load whenever key changes (and every refreshMs, keeping the last answer on
 * screen meanwhile), cancelling the request it replaces, so an answer for a host or range the
 * person has already left never lands on screen. An undefined key loads nothing.
 */
export function useRequest<T>(
  key: string | undefined,
  load: (signal: AbortSignal) => Promise<T>,
  options: { refreshMs?: number; onUnauthenticated: () => void },
): RequestState<T> {
  const { refreshMs } = options;
  const [held, setHeld] = useState<Held<T>>({ key, ...IDLE, loading: key !== undefined });
  // The latest callbacks, without restarting the request on every render.
  const loadRef = useRef(load);
  loadRef.current = load;
  const expiredRef = useRef(options.onUnauthenticated);
  expiredRef.current = options.onUnauthenticated;

  useEffect(() => {
    if (key === undefined) return;
    let current: AbortController | undefined;
    const run = () => {
      current?.abort();
      const controller = new AbortController();
      current = controller;
      loadRef.current(controller.signal).then(
        (data) => {
          if (!controller.signal.aborted)
            setHeld({ key, data, problem: undefined, loading: false });
        },
        (error: unknown) => {
          if (controller.signal.aborted) return;
          if (isUnauthenticated(error)) expiredRef.current();
          setHeld((h) => ({
            key,
            data: h.key === key ? h.data : undefined,
            problem: problemOf(error),
            loading: false,
          }));
        },
      );
    };
    run();
    const timer = refreshMs ? setInterval(run, refreshMs) : undefined;
    return () => {
      current?.abort();
      clearInterval(timer);
    };
  }, [key, refreshMs]);

  if (key === undefined) return IDLE;
  // Until the first answer for a new key, what is held belongs to the previous one.
  if (held.key !== key) return { ...IDLE, loading: true };
  return { data: held.data, problem: held.problem, loading: held.loading };
}
