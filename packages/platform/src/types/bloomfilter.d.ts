// The part of bloomfilter 1.1.0 the store uses (the package ships JavaScript only).
declare module "bloomfilter" {
  export class BloomFilter {
    constructor(bits: number, hashes: number);
    /** A filter for `expected` keys that takes about `error` of absent keys for present. */
    static withTargetError(expected: number, error: number): BloomFilter;
    add(key: string): void;
    /** False: certainly never added. True: perhaps added. */
    test(key: string): boolean;
  }
}
