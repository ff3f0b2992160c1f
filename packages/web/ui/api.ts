// Talking to the gateway: JSON over fetch with the bearer token, errors in the
// API's own shape ({error, reason, message, details}) so a form can show each
// one next to its field and a button its refusal in words. The token lives in sessionStorage: the tab's lifetime,
// never a URL.

export type Role = "customer" | "seller" | "cleaner" | "admin" | "manager" | "member";
export interface User {
  id: string;
  username: string;
  roles: Role[];
}
export interface Session {
  token: string;
  expiresAt: string;
  user: User;
}
export type Lang = "ko" | "en";

export interface ErrorDetail {
  path: string;
  message: string;
}

/** An answer that was not a success, as the API described it. */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    message: string,
    readonly details: ErrorDetail[] = [],
    /** The business rule that refused (409 OutOfStock, 403 NotOwner…), when one did. */
    readonly reason?: string,
  ) {
    super(message);
  }

  /** "Out of stock: only 1 left, 2 ordered": the rule in words, then what the API said. */
  get plain(): string {
    return this.reason ? `${words(this.reason)}: ${this.message}` : this.message;
  }
}

/** "OutOfStock" → "Out of stock", "NotACalendarDay" → "Not a calendar day". */
export function words(code: string): string {
  const parts = code.match(/[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+/g) ?? [code];
  const text = parts.map((w, i) => (i > 0 && !/^[A-Z]{2,}$/.test(w) ? w.toLowerCase() : w)).join(" ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

const KEY = "seed.session";

export function loadSession(): Session | undefined {
  try {
    const raw = sessionStorage.getItem(KEY);
    const s = raw ? (JSON.parse(raw) as Session) : undefined;
    return s && Date.parse(s.expiresAt) > Date.now() ? s : undefined;
  } catch {
    return undefined;
  }
}

export function saveSession(s: Session | undefined): void {
  if (s) sessionStorage.setItem(KEY, JSON.stringify(s));
  else sessionStorage.removeItem(KEY);
}

/** Called when the server says the token is no longer good (401): back to the login form. */
let onUnauthorized: () => void = () => {};
export function whenUnauthorized(fn: () => void): void {
  onUnauthorized = fn;
}

async function problemOf(res: Response): Promise<ApiProblem> {
  let body: { error?: string; reason?: string; message?: string; details?: ErrorDetail[] | Record<string, unknown> } =
    {};
  try {
    body = (await res.json()) as typeof body;
  } catch {
    // no JSON body: the status says enough
  }
  const retry = res.headers.get("Retry-After");
  const message = (body.message ?? res.statusText) + (res.status === 503 && retry ? ` (try again in ${retry} s)` : "");
  // A 409's details are facts (an object), not violations of fields.
  const details = Array.isArray(body.details) ? body.details : [];
  return new ApiProblem(res.status, body.error ?? `HTTP ${res.status}`, message, details, body.reason);
}

export async function request<T = unknown>(
  method: string,
  path: string,
  body?: unknown,
  token = loadSession()?.token,
): Promise<T> {
  const headers: Record<string, string> = {};
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiProblem(0, "NetworkError", "the server cannot be reached");
  }
  if (!res.ok) {
    const problem = await problemOf(res);
    if (res.status === 401 && token) onUnauthorized();
    throw problem;
  }
  return (res.status === 204 ? undefined : await res.json()) as T;
}

export const get = <T>(path: string) => request<T>("GET", path);
export const post = <T>(path: string, body?: unknown) => request<T>("POST", path, body);
export const patch = <T>(path: string, body?: unknown) => request<T>("PATCH", path, body);

export async function login(username: string, password: string): Promise<Session> {
  const s = await request<Session>("POST", "/auth/login", { username, password }, "");
  saveSession(s);
  await openLiveSession(s.token);
  return s;
}

/** Lets the browser's EventSource prove who it is: the gateway sets a cookie only /live/ receives. */
export function openLiveSession(token = loadSession()?.token): Promise<void> {
  return request<void>("POST", "/live/session", undefined, token);
}

export async function logout(): Promise<void> {
  saveSession(undefined);
  await request<void>("DELETE", "/live/session", undefined, "").catch(() => {});
}

export function withLang(path: string, lang: Lang): string {
  return lang === "en" ? `${path}${path.includes("?") ? "&" : "?"}lang=en` : path;
}
