// The caller of an action, as the gateway verified it. Services authorize on
// it; a caller's id never comes from a request body.
import { forbidden, unauthorized } from "./errors.js";
import type { RequestMeta, Role, User } from "./http.js";
import { idFrom, newId } from "./ids.js";

interface HasMeta {
  meta: object;
}

/** The authenticated caller; 401 when there is none. */
export function caller(ctx: HasMeta): User {
  const user = (ctx.meta as RequestMeta).user;
  if (!user) throw unauthorized();
  return user;
}

export const hasRole = (user: User, ...roles: Role[]): boolean => roles.some((r) => user.roles.includes(r));

/** The caller may see or act on a resource owned by `ownerId` if they own it or hold one of `staff` roles. */
export function ensureOwnerOr(user: User, ownerId: string, ...staff: Role[]): void {
  if (user.id !== ownerId && !hasRole(user, ...staff))
    throw forbidden("NotOwner", "only the owner may see or change this");
}

export const labelLanguage = (ctx: HasMeta, query?: { lang?: string }): "ko" | "en" =>
  query?.lang === "en" || (ctx.meta as RequestMeta).lang === "en" ? "en" : "ko";

/** A view's status labels: the Korean the original screen showed, and English for `?lang=en`. */
export type StatusLabels = Record<string, { ko: string; en: string }>;

/** The label of a status in a language; an unknown status is shown as it is. */
export const labeller =
  (labels: StatusLabels) =>
  (status: string, lang: "ko" | "en" = "ko"): string =>
    labels[status]?.[lang] ?? status;

/**
 * Id of a resource a request creates. Under an Idempotency-Key it is derived
 * from the caller and the key, so a retry — even one after a crash that lost
 * the first response — can only ever address the same resource.
 */
export function creationId(ctx: HasMeta, kind: string): string {
  const meta = ctx.meta as RequestMeta;
  if (!meta.idempotencyKey) return newId();
  return idFrom(`${kind}:${meta.user?.id ?? ""}:${meta.idempotencyKey}`, meta.idempotencyTime ?? 0);
}
