// Shapes of the /auth routes, shared by the handlers and the OpenAPI document.
import { ROLES } from "@seed/platform";
import { Type as T } from "@sinclair/typebox";

export const LoginBody = T.Object(
  {
    username: T.String({ minLength: 1, maxLength: 100, description: "user name" }),
    password: T.String({ minLength: 1, maxLength: 200, description: "password" }),
  },
  { additionalProperties: false },
);

export const UserView = T.Object(
  {
    id: T.String({ description: "user id (the token's `sub`)" }),
    username: T.String(),
    roles: T.Array(T.Union(ROLES.map((r) => T.Literal(r)))),
  },
  { additionalProperties: false },
);

export const LoginResult = T.Object(
  {
    token: T.String({ description: "bearer token (JWT)" }),
    expiresAt: T.String({ format: "date-time" }),
    user: UserView,
  },
  { additionalProperties: false },
);
