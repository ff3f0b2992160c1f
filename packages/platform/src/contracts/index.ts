// Contracts between services: versioned event schemas with upcasters, the
// compatibility rule for a published version, and its committed snapshot.
export * from "./compat.js";
export * from "./events.js";
export * from "./snapshot.js";
