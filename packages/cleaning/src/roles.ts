// The cleaning service's roles: every route, staff list and owner check of the system names
// only these, so a misspelt role fails to compile.
import { defineRoles, type RoleOf } from "@seed/platform";

export const cleaningRoles = defineRoles("customer", "cleaner", "admin");
export type CleaningRole = RoleOf<typeof cleaningRoles>;
export const { endpoint, ownedReadActions, ensureOwnerOr } = cleaningRoles;
