// The sauce shop's roles: every route, staff list and owner check of the system names
// only these, so a misspelt role fails to compile.
import { defineRoles, type RoleOf } from "@seed/platform";

export const sauceRoles = defineRoles("customer", "admin");
export type SauceRole = RoleOf<typeof sauceRoles>;
export const { endpoint, ownedReadActions, ensureOwnerOr } = sauceRoles;
