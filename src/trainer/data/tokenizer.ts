// Word tokenizer and vocabulary for text datasets. The vocabulary is built on the train
// split only, so that nothing about validation or test words leaks into training.

const URL_RE = /\b(?:https?:\/\/|ftp:\/\/|www\.)\S+/gi;
const EMAIL_RE = /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g;
// Letters and digits, with inner apostrophes ("don't"); everything else separates words.
const WORD_RE = /[\p{L}\p{N}]+(?:['’][\p{L}]+)*/gu;
const DIGITS_ONLY = /^\p{N}+$/u;
/** Longer "words" are almost always encoded junk (base64, hashes). */
const MAX_WORD_LENGTH = 30;

export const PAD_ID = 0;
export const UNKNOWN_ID = 1;

export function tokenize(text: string, lowercase = true): string[] {
  const cleaned = (lowercase ? text.toLowerCase() : text).replace(URL_RE, ' ').replace(EMAIL_RE, ' ');
  const words: string[] = [];
  for (const m of cleaned.matchAll(WORD_RE)) {
    const w = m[0];
    // Pure numbers (dates, prices, ids) carry little signal and bloat the vocabulary.
    if (w.length > MAX_WORD_LENGTH || DIGITS_ONLY.test(w)) continue;
    words.push(w);
  }
  return words;
}

export class Vocabulary {
  private constructor(
    /** Words in id order, starting at id 2. */
    readonly words: string[],
    private readonly ids: Map<string, number>,
  ) {}

  /** Total ids including padding and unknown. */
  get size(): number {
    return this.words.length + 2;
  }

  /**
   * The `vocabSize - 2` most frequent words (ties broken alphabetically, so the
   * vocabulary does not depend on example order).
   */
  static build(documents: Iterable<string[]>, vocabSize: number): Vocabulary {
    const counts = new Map<string, number>();
    for (const doc of documents) for (const w of doc) counts.set(w, (counts.get(w) ?? 0) + 1);
    const ranked = [...counts.entries()]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .slice(0, Math.max(0, vocabSize - 2))
      .map(([w]) => w);
    return new Vocabulary(ranked, new Map(ranked.map((w, i) => [w, i + 2])));
  }

  id(word: string): number {
    return this.ids.get(word) ?? UNKNOWN_ID;
  }

  /** Writes `maxLength` ids into `out` at `offset`: the first words, padded with 0 at the end. */
  encodeInto(tokens: string[], maxLength: number, out: Int32Array, offset: number): void {
    const n = Math.min(tokens.length, maxLength);
    for (let i = 0; i < n; i++) out[offset + i] = this.id(tokens[i]);
    out.fill(PAD_ID, offset + n, offset + maxLength);
  }
}
