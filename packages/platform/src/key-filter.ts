// Which keys a section of the store holds, as a Bloom filter: a key is either
// certainly absent or perhaps present. A projection meeting a new aggregate or
// row (every order placed is one) learns it is absent without asking the disk;
// a key that is perhaps present is read, which for a key that is not there
// after all is only slower. A deleted key stays perhaps present for the same
// reason: a filter cannot forget a key, and reading it finds it gone.
//
// A Set of every key did the same exactly, at about 60 bytes a key on V8's
// heap that every full garbage collection walks: 1.2 million keys held 73 MB
// and made a collection 54 ms. The filter takes 1.2 bytes for each key it is
// made for (up to twice the keys it holds), in one typed array the collector
// does not walk (docs/PERFORMANCE.md, "What the key index cost").
import { BloomFilter } from "bloomfilter";

/** The share of absent keys the filter takes for perhaps present, while it is within its size. */
const FALSE_POSITIVES = 0.01;
/** Keys a filter is first made for: about 20 KB. */
const SMALLEST = 16_384;

export class KeyFilter {
  /** Undefined until the section's keys were read once: until then every key is perhaps present. */
  private filter?: BloomFilter;
  /** Keys the filter was made for; past them, its false positives grow and it is made again, twice as large. */
  private capacity = 0;
  /** Keys added to the filter (a key written again is not counted twice, nor, rarely, a false positive). */
  private count = 0;
  /** Keys written while the section's keys are read, added to the filter made from that read. */
  private writtenDuringScan?: Set<string>;
  /** A read of the keys failed (the store closed): the filter stays as it is. */
  private failed = false;

  constructor(private readonly readKeys: () => Promise<string[]>) {
    this.fill();
  }

  /** Reads every key of the section and makes a filter for twice as many. */
  private fill(): void {
    const written = new Set<string>();
    this.writtenDuringScan = written;
    this.readKeys().then(
      (keys) => {
        const count = keys.length + written.size;
        const capacity = Math.max(SMALLEST, 2 * count);
        const filter = BloomFilter.withTargetError(capacity, FALSE_POSITIVES);
        for (const key of keys) filter.add(key);
        for (const key of written) filter.add(key);
        this.filter = filter;
        this.capacity = capacity;
        this.count = count;
        this.writtenDuringScan = undefined;
      },
      () => {
        this.failed = true;
        this.writtenDuringScan = undefined;
      },
    );
  }

  add(key: string): void {
    this.writtenDuringScan?.add(key);
    const filter = this.filter;
    // A key it takes for present already has every bit of its own set.
    if (!filter || filter.test(key)) return;
    filter.add(key);
    this.count++;
    if (this.count > this.capacity && !this.writtenDuringScan && !this.failed) this.fill();
  }

  /** True only when the key is certainly not in the section. */
  knowsAbsent(key: string): boolean {
    return this.filter !== undefined && !this.filter.test(key);
  }
}
