import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../test/harness.js';

/**
 * Every request body the API guide (docs/api.md, the repository's copy of the contract) shows is
 * accepted as written: the worked examples' `curl` requests are read from the guide and sent in its
 * order (the token of its sign-in, the person its registration made), and so are the bodies its
 * prose shows (`a body {…}` after a `POST /api/…`, `adding "key": … to the body` of the section's
 * example), with each `"…"` placeholder filled in. None may answer 400: a body the guide shows is
 * never malformed. Where the guide's flow allows it, the answer is the success the guide states.
 */

const guide = readFileSync(new URL('../../../../docs/api.md', import.meta.url), 'utf8');

interface GuideRequest {
  /** Where in the guide: the section's heading and the request's kind. */
  readonly where: string;
  readonly method: string;
  /** The path as the guide writes it, with its shell variables (`$PERSON`). */
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: Record<string, unknown>;
}

/** A shell block's words, command by command: quotes removed, `\` + newline joining lines. */
function shellCommands(block: string): string[][] {
  const commands: string[][] = [];
  let words: string[] = [];
  let word: string | null = null;
  const end = () => {
    if (word !== null) words.push(word);
    word = null;
  };
  for (let i = 0; i < block.length; i++) {
    const c = block[i]!;
    if (c === "'" || c === '"') {
      const close = block.indexOf(c, i + 1);
      if (close < 0) throw new Error(`unclosed quote in the guide: ${block.slice(i, i + 60)}`);
      word = (word ?? '') + block.slice(i + 1, close);
      i = close;
    } else if (c === '\\' && block[i + 1] === '\n') {
      end();
      i++;
    } else if (c === '#' && word === null) {
      while (i + 1 < block.length && block[i + 1] !== '\n') i++;
    } else if (c === '\n') {
      end();
      if (words.length) commands.push(words);
      words = [];
    } else if (c === ' ' || c === '\t') {
      end();
    } else {
      word = (word ?? '') + c;
    }
  }
  end();
  if (words.length) commands.push(words);
  return commands;
}

/** The `curl` requests of a shell block that send a body (`-d`). */
function curlRequests(block: string, section: string): GuideRequest[] {
  const requests: GuideRequest[] = [];
  for (const words of shellCommands(block)) {
    if (words[0] !== 'curl') continue;
    let method = 'GET';
    let url = '';
    let data: string | undefined;
    const headers: Record<string, string> = {};
    for (let i = 1; i < words.length; i++) {
      const w = words[i]!;
      if (w === '-X') method = words[++i]!;
      else if (w === '-H') {
        const [name, ...value] = words[++i]!.split(':');
        headers[name!.trim().toLowerCase()] = value.join(':').trim();
      } else if (w === '-d' || w === '--data') data = words[++i];
      else if (w === '-o' || w === '--data-urlencode') i++;
      else if (w.startsWith('$BASE/')) url = w.slice('$BASE'.length);
    }
    if (data === undefined) continue;
    if (method === 'GET') method = 'POST';
    requests.push({
      where: `${section}: curl`,
      method,
      path: url,
      headers,
      body: JSON.parse(data) as Record<string, unknown>,
    });
  }
  return requests;
}

/** Values for the guide's `"…"` placeholders, by key (the worked examples' own where there are some). */
function fillPlaceholders(body: Record<string, unknown>, examples: Record<string, unknown>): Record<string, unknown> {
  const fill = (key: string, value: unknown): unknown => {
    if (value === '…') {
      if (key in examples) return examples[key];
      if (key === 'reason') return 'Approved by the supervisor after review';
      throw new Error(`no value for the guide's placeholder "${key}"`);
    }
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(k, v)]));
    }
    return value;
  };
  return fill('', body) as Record<string, unknown>;
}

/** Every body the guide shows, in its order. */
function guideRequests(markdown: string): GuideRequest[] {
  const requests: GuideRequest[] = [];
  const sections = markdown.split(/^(?=#{2,3} )/m);
  const examples: Record<string, unknown> = {};
  for (const s of sections) {
    for (const m of s.matchAll(/```sh\n([\s\S]*?)```/g)) {
      for (const r of curlRequests(m[1]!, '')) Object.assign(examples, r.body);
    }
  }
  for (const s of sections) {
    const heading = s.split('\n', 1)[0]!.replace(/^#+\s*/, '');
    const curls: GuideRequest[] = [];
    for (const m of s.matchAll(/```sh\n([\s\S]*?)```/g)) curls.push(...curlRequests(m[1]!, heading));
    requests.push(...curls);
    // The prose, without the code blocks: its paragraphs' inline JSON bodies.
    const prose = s.replace(/```[\s\S]*?```/g, '\n\n');
    for (const paragraph of prose.split(/\n\s*\n/)) {
      const text = paragraph.replace(/\s+/g, ' ');
      const endpoint = /`(POST|PUT|PATCH) (\/api\/[^`\s]+)`/.exec(text);
      for (const m of text.matchAll(/body `(\{[^`]*\})`/g)) {
        if (!endpoint) throw new Error(`a body without its endpoint in the guide: ${text.slice(0, 120)}`);
        requests.push({
          where: `${heading}: a body in the text`,
          method: endpoint[1]!,
          path: endpoint[2]!,
          headers: {},
          body: fillPlaceholders(JSON.parse(m[1]!) as Record<string, unknown>, examples),
        });
      }
      for (const m of text.matchAll(/adding `("[^`]*)` to the body/g)) {
        const base = curls.at(-1);
        if (!base) throw new Error(`"adding … to the body" without an example in the section: ${heading}`);
        const extra = fillPlaceholders(JSON.parse(`{${m[1]!}}`) as Record<string, unknown>, examples);
        const body = { ...base.body, ...extra };
        // The case the text describes ("a second dose only 12 days later"): the example's date moved on.
        const later = /(\d+) days later/.exec(prose.replace(/\s+/g, ' '));
        if (later && typeof body.administeredOn === 'string') {
          const date = new Date(`${body.administeredOn}T00:00:00Z`);
          date.setUTCDate(date.getUTCDate() + Number(later[1]));
          body.administeredOn = date.toISOString().slice(0, 10);
        }
        requests.push({ ...base, where: `${heading}: the example with ${m[1]}`, body });
      }
    }
  }
  return requests;
}

const t = await useTestApp();

describe('the request bodies of the API guide (docs/api.md)', () => {
  const requests = guideRequests(guide);

  it('are found in the guide: sign-in (example and text), a person, a dose, and the dose with an override', () => {
    expect(requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /api/auth/login',
      'POST /api/auth/login',
      'POST /api/people',
      'POST /api/people/$PERSON/doses',
      'POST /api/people/$PERSON/doses',
    ]);
  });

  it('are each accepted as written, in the guide’s order', async () => {
    const vars: Record<string, string> = {};
    const expand = (text: string) => text.replace(/\$([A-Z_]+)/g, (_, name: string) => vars[name] ?? `$${name}`);
    const outcomes: { where: string; status: number; code?: string }[] = [];
    for (const r of requests) {
      const headers = Object.fromEntries(
        Object.entries(r.headers)
          .filter(([name]) => name !== 'content-type')
          .map(([name, value]) => [name, expand(value)]),
      );
      // The text's override is a supervisor's (site staff may not override): the district of the site.
      const as = r.body.override ? 'caolanh.admin' : undefined;
      if (as) delete headers.authorization;
      // A later request with the same Idempotency-Key would be the same dose: each gets its own.
      if (headers['idempotency-key'] && r.body.override) headers['idempotency-key'] = crypto.randomUUID();
      const res = await t.call(r.method as 'POST', expand(r.path), { body: r.body, headers, as });
      outcomes.push({ where: r.where, status: res.status, code: res.body?.error?.code });
      if (r.path === '/api/auth/login' && res.status === 200) vars.TOKEN = res.body.token;
      if (r.path === '/api/people') {
        // The guide keeps the new record's id; registering it again answers 409 with `existingId`.
        vars.PERSON = res.status === 201 ? res.body.id : res.body.existingId;
      }
    }
    for (const o of outcomes) expect.soft(o.status, `${o.where} answered ${o.status} ${o.code ?? ''}`).not.toBe(400);
    expect(outcomes.map((o) => o.status)).toEqual([200, 200, 201, 201, 201]);
  });
});
