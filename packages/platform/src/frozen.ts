// What the store keeps in memory is frozen all the way down. A reducer or
// decider that changed a kept row in place would make the copy in memory
// differ from the one in LevelDB without anyone noticing; frozen, the change
// throws where it is made. And a value that cannot change can be encoded
// once: the gateway reuses the JSON of a frozen answer (`encodeJson`).

/**
 * Freezes a plain value (objects, arrays and what they hold) and returns it.
 * A part already frozen is not walked again: a new row built from the last
 * one (`{ ...row, history: [...row.history, step] }`) shares its frozen parts,
 * so freezing it costs about its own new parts.
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value !== "object" || value === null || Object.isFrozen(value)) return value;
  Object.freeze(value);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) deepFreeze(value[i]);
  } else {
    for (const key in value) deepFreeze(value[key]);
  }
  return value;
}
