/**
 * Parsing of the scenarios' numeric options: `numberOption(usage)` gives
 * `num(name, raw, fallback, min)` — the fallback when the option is absent, else the number,
 * which must be finite and ≥ min (an error that repeats the usage otherwise).
 */
export function numberOption(usage: string) {
  return (name: string, raw: string | undefined, fallback: number, min: number): number => {
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < min) throw new Error(`--${name} must be a number ≥ ${min}\n${usage}`);
    return n;
  };
}
