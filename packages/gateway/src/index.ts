// Public entry of the gateway: the "api" service factory and what a start
// script, tests or an operator tool need beside it.

export { hashPassword, verifyPassword } from "./auth/passwords.js";
export { DEMO_PASSWORD, demoUserId, demoUsers } from "./auth/users.js";
export { createGateway, gatewayAddress } from "./gateway.service.js";
export { problemResponse, toProblem } from "./http-errors.js";
export { buildOpenApi } from "./openapi.js";
export { type RoutedSystem, routedSystems } from "./routed-systems.js";
