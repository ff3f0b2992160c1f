// A list kept current by the gateway's server-sent events (GET /live/...):
// the server sends the whole list again whenever it changed. No polling.
import { useEffect, useState } from "preact/hooks";
import { type Lang, loadSession, openLiveSession, withLang } from "./api.js";

/** A list's first page, newest rows first (a cursor page like any other). */
export interface ListPage<T> {
  items: T[];
  hasMore: boolean;
  nextCursor?: string;
}
export type LiveState = "connecting" | "live" | "offline";

export function useLive<T>(
  path: string,
  lang: Lang,
  enabled = true,
): { list: ListPage<T>; state: LiveState; problem?: string } {
  const [list, setList] = useState<ListPage<T>>({ items: [], hasMore: false });
  const [state, setState] = useState<LiveState>("connecting");
  const [problem, setProblem] = useState<string>();
  useEffect(() => {
    if (!enabled) return;
    let source: EventSource | undefined;
    let stopped = false;
    let retry: number | undefined;
    const open = () => {
      setState("connecting");
      // The largest page a list gives: the page shows the newest rows first.
      source = new EventSource(withLang(`/live${path}${path.includes("?") ? "&" : "?"}limit=500`, lang));
      source.addEventListener("snapshot", (e) => {
        setList(JSON.parse((e as MessageEvent<string>).data) as ListPage<T>);
        setProblem(undefined);
        setState("live");
      });
      source.addEventListener("problem", (e) => {
        setProblem((JSON.parse((e as MessageEvent<string>).data) as { message: string }).message);
      });
      source.onerror = () => {
        if (stopped || !source) return;
        // CONNECTING: the browser reconnects by itself. CLOSED: the server refused
        // (the live cookie expired, or a 4xx): renew the cookie once, then open again.
        if (source.readyState === EventSource.CLOSED) {
          setState("offline");
          source.close();
          retry = window.setTimeout(() => {
            if (!loadSession()) return;
            openLiveSession()
              .then(() => !stopped && open())
              .catch((err: Error) => setProblem(err.message));
          }, 2000);
        } else {
          setState("connecting");
        }
      };
    };
    open();
    return () => {
      stopped = true;
      window.clearTimeout(retry);
      source?.close();
    };
  }, [path, lang, enabled]);
  return { list, state, problem };
}
