// Callers waiting for a projection to reach a stream sequence.

export interface Waiter {
  seq: number;
  resolve: (ok: boolean) => void;
}

/**
 * Callers waiting for sequences, kept in sequence order: every command adds
 * one, so finding and releasing the reached ones must not scan or shift them
 * all. Released waiters are skipped by a head index and dropped in bulk.
 */
export class Waiters {
  private list: Waiter[] = [];
  private head = 0;

  add(w: Waiter): void {
    let i = this.list.length;
    while (i > this.head && (this.list[i - 1] as Waiter).seq > w.seq) i--;
    if (i === this.list.length) this.list.push(w);
    else this.list.splice(i, 0, w);
  }

  remove(w: Waiter): void {
    const i = this.list.indexOf(w, this.head);
    if (i >= 0) this.list.splice(i, 1);
  }

  releaseUpTo(seq: number): void {
    const from = this.head;
    while (this.head < this.list.length && (this.list[this.head] as Waiter).seq <= seq) this.head++;
    if (this.head === from) return;
    const done = this.list.slice(from, this.head);
    if (this.head * 2 >= this.list.length) {
      this.list = this.list.slice(this.head);
      this.head = 0;
    }
    for (const w of done) w.resolve(true);
  }

  releaseAll(ok: boolean): void {
    const all = this.list.slice(this.head);
    this.list = [];
    this.head = 0;
    for (const w of all) w.resolve(ok);
  }
}
