/**
 * A seeded random source (mulberry32: small, and good enough to spread choices evenly), so that a generated test
 * that fails names a seed and a case that can be replayed.
 */
export function seeded(seed: number) {
  let s = seed;
  const next = () => {
    s = (s + 0x6d2b79f5) | 0;
    let x = Math.imul(s ^ (s >>> 15), 1 | s);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(options: readonly T[]): T => options[Math.floor(next() * options.length)] as T;
  const chance = (p: number) => next() < p;
  const below = (n: number) => Math.floor(next() * n);
  return { next, pick, chance, below };
}
export type Seeded = ReturnType<typeof seeded>;
