import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type DccValueSetFile, type DccValueSets, valueSetsOf } from '@tiemchung/core';

/** The EU DCC value sets shipped in the repository (`reference/dcc-valuesets/`, Apache-2.0). */
export const VALUE_SETS_DIR = fileURLToPath(new URL('../../../../../reference/dcc-valuesets/', import.meta.url));

let loaded: DccValueSets | null = null;

/** The value sets, read once per process. */
export function dccValueSets(): DccValueSets {
  loaded ??= valueSetsOf(
    readdirSync(VALUE_SETS_DIR)
      .filter((f) => f.endsWith('.json'))
      .map((f) => JSON.parse(readFileSync(`${VALUE_SETS_DIR}/${f}`, 'utf8')) as DccValueSetFile),
  );
  return loaded;
}
