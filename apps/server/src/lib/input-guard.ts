import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from './errors.js';

/**
 * Deepest nesting of arrays and objects accepted in a request body. No route's schema goes past
 * four levels; the limit only stops pathological bodies before anything recursive walks them.
 */
export const MAX_BODY_DEPTH = 32;

/**
 * Whether `s` holds a character no text column can take: NUL (PostgreSQL text cannot store it)
 * or a lone UTF-16 surrogate (no UTF-8 encodes it; JSON's `\ud800` escape or a `%ED%A0%80` in the
 * URL produces one). Properly paired surrogates (emoji…) are fine.
 */
export function hasForbiddenCharacter(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0) return true;
    if (c < 0xd800 || c > 0xdfff) continue;
    if (c >= 0xdc00) return true; // a low surrogate with no high one before it
    const next = s.charCodeAt(i + 1);
    if (!(next >= 0xdc00 && next <= 0xdfff)) return true; // a high surrogate with no low one after it
    i++;
  }
  return false;
}

export type InputProblem = { field: string | undefined; kind: 'character' | 'depth' };

/**
 * The first string (value or property name) in `value` with a forbidden character, or nesting
 * deeper than `maxDepth`, with its field path (`checklist.q1`, `lots.0.lotNumber`) — the path of
 * the object when the property name itself is at fault. Iterative: a deep body cannot overflow the
 * stack here.
 */
export function findInputProblem(value: unknown, maxDepth = MAX_BODY_DEPTH): InputProblem | null {
  const stack: { value: unknown; path: string[] }[] = [{ value, path: [] }];
  while (stack.length) {
    const { value: v, path } = stack.pop() as { value: unknown; path: string[] };
    if (typeof v === 'string') {
      if (hasForbiddenCharacter(v)) return { field: path.join('.') || undefined, kind: 'character' };
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (path.length >= maxDepth) return { field: path.join('.') || undefined, kind: 'depth' };
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], path: [...path, String(i)] });
      continue;
    }
    const keys = Object.keys(v);
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i] as string;
      if (hasForbiddenCharacter(key)) return { field: path.join('.') || undefined, kind: 'character' };
      stack.push({ value: (v as Record<string, unknown>)[key], path: [...path, key] });
    }
  }
  return null;
}

function problemError(problem: InputProblem): AppError {
  const at = problem.field ? { vi: ` ở trường ${problem.field}`, en: ` in ${problem.field}` } : { vi: '', en: '' };
  return AppError.rule({
    code: 'validation_failed',
    field: problem.field,
    message:
      problem.kind === 'character'
        ? {
            vi: `Dữ liệu${at.vi} chứa ký tự không hợp lệ (ký tự NUL hoặc mã Unicode lỗi).`,
            en: `The value${at.en} contains a character that is not allowed (NUL or invalid Unicode).`,
          }
        : {
            vi: `Dữ liệu${at.vi} lồng nhau quá sâu.`,
            en: `The value${at.en} is nested too deeply.`,
          },
  });
}

/**
 * Refuses what no route can store or safely walk, before any route's validation and handler: a
 * NUL or lone surrogate in the decoded path parameters, the query string or any string (or
 * property name) of the body, and bodies nested deeper than {@link MAX_BODY_DEPTH}. 400
 * `validation_failed` naming the field, in the same terms as the schema validation.
 */
export function checkRequestInput(request: FastifyRequest): void {
  for (const value of [request.params, request.query, request.body]) {
    const problem = findInputProblem(value);
    if (problem) throw problemError(problem);
  }
}

/**
 * Registers {@link checkRequestInput} for every route: a `preValidation` hook on the root, so it
 * runs after authentication (`onRequest`) and body parsing, before the schema and the handler.
 */
export function registerInputGuard(app: FastifyInstance): void {
  app.addHook('preValidation', (request, _reply, done) => {
    try {
      checkRequestInput(request);
    } catch (err) {
      return done(err as Error);
    }
    done();
  });
}
