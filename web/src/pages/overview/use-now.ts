import { useEffect, useState } from "react";

/**
 * useNow is the current time, ticking every `everyMs`: one clock per page, so that "42 s ago"
 * stays true without a timer per row.
 */
export function useNow(everyMs: number): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}
