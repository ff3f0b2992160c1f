// Shapes of the /auth routes, shared by the handlers and the OpenAPI document.
import type { Role } from "@seed/platform";
import { Type as T } from "@sinclair/typebox";
import { RoleSchema } from "./roles.js";

export const LoginBody = T.Object(
  {
    username: T.String({ minLength: 1, maxLength: 100, description: "user name" }),
    password: T.String({ minLength: 1, maxLength: 200, description: "password" }),
  },
  { additionalProperties: false },
);

/** A user as /auth answers it; `roles` are those the systems declare. */
export const UserView = (roles: readonly Role[]) =>
  T.Object(
    {
      id: T.String({ description: "user id (the token's `sub`)" }),
      username: T.String(),
      roles: T.Array(RoleSchema(roles)),
    },
    { additionalProperties: false },
  );

export const LoginResult = (roles: readonly Role[]) =>
  T.Object(
    {
      token: T.String({ description: "bearer token (JWT)" }),
      expiresAt: T.String({ format: "date-time" }),
      user: UserView(roles),
    },
    { additionalProperties: false },
  );
