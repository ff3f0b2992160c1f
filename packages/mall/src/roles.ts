// The mall's roles: every route, staff list and owner check of the system names
// only these, so a misspelt role fails to compile.
import { defineRoles, type RoleOf } from "@seed/platform";

export const mallRoles = defineRoles("customer", "seller", "admin");
export type MallRole = RoleOf<typeof mallRoles>;
export const { endpoint, ownedReadActions, sharedReadActions, ensureOwnerOr } = mallRoles;
