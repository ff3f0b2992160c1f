export declare const HOW_TO: string;
export declare function ensureChromium(opts?: {
  env?: Record<string, string | undefined>;
  log?: (line: string) => void;
  install?: boolean;
  root?: boolean;
  hasApt?: boolean;
  searchDirs?: string[];
}): string;
