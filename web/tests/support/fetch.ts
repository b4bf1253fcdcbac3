// A scripted `fetch`: answers by method and path, and records every call.

export interface Call {
  method: string;
  url: string;
  path: string;
  headers: Record<string, string>;
  body: unknown;
  credentials?: RequestCredentials;
  cache?: RequestCache;
  referrerPolicy?: ReferrerPolicy;
}

export type Responder = (call: Call) => Response | Promise<Response>;

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json", ...headers },
  });
}

export function fakeFetch(routes: Record<string, Responder>) {
  const calls: Call[] = [];
  const fetch = async (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> => {
    const url = String(input);
    const parsed = new URL(url, "http://127.0.0.1:3000");
    const method = (init.method ?? "GET").toUpperCase();
    const headers = Object.fromEntries(Object.entries((init.headers as Record<string, string>) ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
    const call: Call = { method, url, path: parsed.pathname, headers, body: init.body ? JSON.parse(String(init.body)) : undefined, credentials: init.credentials, cache: init.cache, referrerPolicy: init.referrerPolicy };
    calls.push(call);
    const responder = routes[`${method} ${parsed.pathname}`];
    if (!responder) return json(404, { message: "Not Found" });
    return responder(call);
  };
  return { fetch: fetch as typeof globalThis.fetch, calls };
}
