// The meeting rooms' roles: every route, staff list and owner check of the system names
// only these, so a misspelt role fails to compile.
import { defineRoles, type RoleOf } from "@seed/platform";

export const meetingroomRoles = defineRoles("member", "admin");
export type MeetingroomRole = RoleOf<typeof meetingroomRoles>;
export const { endpoint, ownedReadActions, sharedReadActions, ensureOwnerOr } = meetingroomRoles;
