// The insurer's roles: every route, staff list and owner check of the system names
// only these, so a misspelt role fails to compile.
import { defineRoles, type RoleOf } from "@seed/platform";

export const insuranceRoles = defineRoles("customer", "manager");
export type InsuranceRole = RoleOf<typeof insuranceRoles>;
export const { endpoint, ownedReadActions, sharedReadActions, ensureOwnerOr } = insuranceRoles;
