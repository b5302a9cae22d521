/**
 * A bounded table of counted keys with a few example lines each. Once it holds twice its
 * capacity it keeps the `capacity` most frequent entries (amortised O(log n) per insert), so
 * memory stays bounded whatever the input; counts of evicted keys are lost, which only affects
 * rare patterns (the number of evictions is reported).
 */
export interface PatternEntry<T> {
  key: string;
  count: number;
  examples: string[];
  data: T;
}

export class PatternTable<T> {
  private readonly entries = new Map<string, PatternEntry<T>>();
  evicted = 0;

  constructor(
    private readonly capacity: number,
    private readonly maxExamples: number,
    private readonly maxExampleLength = 500,
  ) {}

  add(key: string, example: string, data: () => T): void {
    let e = this.entries.get(key);
    if (!e) {
      if (this.entries.size >= this.capacity * 2) this.shrink();
      e = { key, count: 0, examples: [], data: data() };
      this.entries.set(key, e);
    }
    e.count++;
    if (e.examples.length < this.maxExamples) e.examples.push(example.slice(0, this.maxExampleLength));
  }

  private shrink(): void {
    const keep = [...this.entries.values()].sort((a, b) => b.count - a.count).slice(0, this.capacity);
    this.evicted += this.entries.size - keep.length;
    this.entries.clear();
    for (const e of keep) this.entries.set(e.key, e);
  }

  top(n: number): PatternEntry<T>[] {
    return [...this.entries.values()].sort((a, b) => b.count - a.count || a.key.localeCompare(b.key)).slice(0, n);
  }

  get size(): number {
    return this.entries.size;
  }
}
