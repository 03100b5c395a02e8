/**
 * Random samples of the benchmark population, regenerated from the same deterministic generator
 * that loaded it (nothing is read back from the database), so every sampled person exists.
 */
import { nameSearchKey, prng, type SyntheticPerson, seedOf, syntheticPopulation } from '@tiemchung/core';

/** A sampled person and the search inputs derived from them. */
export interface SampledPerson extends SyntheticPerson {
  /** Position in the generated population (0-based). */
  readonly index: number;
  readonly nameKey: string;
  /** What a desk types to find them by name: see {@link namePrefix}. */
  readonly namePrefix: string;
  /** One whole word of the name a desk may type instead: see {@link nameWord}. */
  readonly nameWord: string;
}

/**
 * The diacritic-free prefix a user types to find someone by name: the first two words of the
 * name key and the first letter of the third ("Nguyễn Văn Hùng" → "nguyen van h"); the whole key
 * for names of fewer than three words.
 */
export function namePrefix(nameKey: string): string {
  const words = nameKey.split(' ');
  if (words.length < 3) return nameKey;
  return `${words[0]} ${words[1]} ${words[2]!.slice(0, 1)}`;
}

/**
 * The word of the name a desk types to find someone by their given name alone: the last word of
 * the name key ("Nguyễn Văn Bình" → "binh"), the one people are called by.
 */
export function nameWord(nameKey: string): string {
  return nameKey.split(' ').at(-1) ?? nameKey;
}

/**
 * `size` distinct people drawn uniformly at random (seeded, so reproducible) from the first
 * `population` people of `seed`, in random order. One pass over the generator.
 */
export function samplePopulation(seed: string, population: number, size: number): SampledPerson[] {
  const rnd = prng(seedOf(`${seed}/sample`));
  const want = Math.min(size, population);
  const picked = new Set<number>();
  // Floyd's algorithm: `want` distinct indices in `want` draws.
  for (let j = population - want; j < population; j++) {
    const t = Math.floor(rnd() * (j + 1));
    picked.add(picked.has(t) ? j : t);
  }
  const out: SampledPerson[] = [];
  let index = 0;
  for (const p of syntheticPopulation(seed, population)) {
    if (picked.has(index)) {
      const nameKey = nameSearchKey(p.fullName);
      out.push({ ...p, index, nameKey, namePrefix: namePrefix(nameKey), nameWord: nameWord(nameKey) });
    }
    index++;
  }
  // Fisher–Yates, so the requests do not walk the table in insertion order.
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
