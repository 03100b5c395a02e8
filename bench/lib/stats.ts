/**
 * Small statistics shared by the scenarios: medians over rounds, ratios to the baseline runs
 * around a run, seeded shuffles, and the formatting of ratios.
 */
import { prng, seedOf } from '@tiemchung/core';
import { fmt } from './report.js';

/** The median of a list (NaN for an empty one). */
export function median(values: readonly number[]): number {
  if (!values.length) return Number.NaN;
  const v = [...values].sort((a, b) => a - b);
  const mid = v.length >> 1;
  return v.length % 2 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2;
}

/** The sum of a list. */
export function sum(values: readonly number[]): number {
  return values.reduce((t, v) => t + v, 0);
}

/**
 * A run's throughput ÷ the mean throughput of the baseline runs just before and just after it (the
 * same-run baseline), or null when there is no baseline throughput.
 */
export function ratioToBaselines(value: number, before: number, after: number): number | null {
  const around = (before + after) / 2;
  return around > 0 ? value / around : null;
}

/** A ratio with two decimals, or two significant digits when under 0.1 (0.0043). */
export function ratio(r: number): string {
  return r >= 0.1 ? fmt(r, 2) : r.toPrecision(2);
}

/** Shuffles a copy of `items` with a seeded generator (Fisher–Yates): reproducible. */
export function seededShuffle<T>(items: readonly T[], seed: string): T[] {
  const rnd = prng(seedOf(seed));
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
