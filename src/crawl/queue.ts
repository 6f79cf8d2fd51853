/**
 * The waiting line of a quota lane (its in-flight slots and its rate limiter): FIFO, except that
 * `first` items go ahead of every waiting item that is not (FIFO among themselves). The listing's
 * pages go first: they feed every other lane of the region (src/crawl/lane.ts).
 */
export class FirstQueue<T> {
  readonly #first = new Fifo<T>();
  readonly #rest = new Fifo<T>();

  get length(): number {
    return this.#first.length + this.#rest.length;
  }

  push(item: T, first: boolean): void {
    (first ? this.#first : this.#rest).push(item);
  }

  peek(): T | undefined {
    return this.#first.peek() ?? this.#rest.peek();
  }

  shift(): T | undefined {
    return this.#first.shift() ?? this.#rest.shift();
  }
}

/**
 * A queue with O(1) shift: a region's whole listing may wait in one (100,000 functions), and
 * `Array.prototype.shift` on an array that long copies it every time.
 */
class Fifo<T> {
  #items: (T | undefined)[] = [];
  #head = 0;

  get length(): number {
    return this.#items.length - this.#head;
  }

  push(item: T): void {
    this.#items.push(item);
  }

  peek(): T | undefined {
    return this.#items[this.#head];
  }

  shift(): T | undefined {
    if (this.#head === this.#items.length) return undefined;
    const item = this.#items[this.#head];
    this.#items[this.#head++] = undefined;
    if (this.#head === this.#items.length) {
      this.#items = [];
      this.#head = 0;
    } else if (this.#head >= 1024 && this.#head * 2 >= this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return item;
  }
}
