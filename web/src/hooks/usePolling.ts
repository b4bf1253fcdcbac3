import { useEffect, useRef } from "react";

/**
 * Calls `task` every `intervalMs` while `enabled`, never two at once (the next wait starts when
 * the last call ends), paused while the page is hidden and run at once when it shows again.
 */
export function usePolling(task: () => Promise<unknown> | void, intervalMs: number, enabled: boolean): void {
  const latest = useRef(task);
  latest.current = task;

  useEffect(() => {
    if (!enabled) return undefined;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let running = false;

    const tick = async () => {
      timer = undefined;
      if (stopped || running) return;
      if (typeof document !== "undefined" && document.hidden) return; // resumed by visibilitychange
      running = true;
      try {
        await latest.current();
      } catch {
        // The task shows its own errors; polling goes on.
      } finally {
        running = false;
      }
      if (!stopped) timer = setTimeout(tick, intervalMs);
    };
    const onVisibility = () => {
      if (!document.hidden && timer === undefined && !running) void tick();
    };
    timer = setTimeout(tick, intervalMs);
    document.addEventListener("visibilitychange", onVisibility);
    return () => {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      document.removeEventListener("visibilitychange", onVisibility);
    };
  }, [enabled, intervalMs]);
}
