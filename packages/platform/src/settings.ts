// A system's own settings: environment variables the platform does not know,
// declared by the system with their defaults and descriptions. The config
// loader merges them with the platform's (`loadConfig(env, systems)`), so they
// are validated at start with everything else and listed with every variable.
import { type Static, Type as T, type TObject, type TProperties } from "@sinclair/typebox";
import type { Config } from "./config.js";

export interface SystemSettings<P extends TProperties = TProperties> {
  /** Each variable: a TypeBox schema with a `default` and a `description`. */
  readonly schema: TObject<P>;
  /** The system's values in a config loaded with these settings. */
  of(config: Config): Static<TObject<P>>;
}

export function defineSettings<P extends TProperties>(properties: P): SystemSettings<P> {
  const schema = T.Object(properties, { additionalProperties: false });
  return {
    schema,
    of(config) {
      const values: Record<string, unknown> = {};
      for (const name of Object.keys(properties)) {
        // A default here would silently hide a value the environment set: the
        // config must have been loaded with these settings.
        if (!(name in config)) {
          throw new Error(`${name} is not in the configuration: load it with the systems that declare it`);
        }
        values[name] = (config as Record<string, unknown>)[name];
      }
      return values as Static<TObject<P>>;
    },
  };
}
