import { useEffect, useState } from "react";

/** useNow is the current time, re-rendering every everyMs: for "stale for 12 s" texts. */
export function useNow(everyMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}
