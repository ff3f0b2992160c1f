export declare const RUNTIME_ENTRY_NAMES: string[];
export declare const NODE_FLAGS: string[];
export declare const NODE_ENV: Record<string, string>;
export declare function withNodeEnv<E extends Record<string, string | undefined>>(env: E): E & Record<string, string>;
