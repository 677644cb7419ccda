import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { loadKeysFromEnv } from '../../src/keys/index.js';

/** A secret: non-empty, no surrounding whitespace, from a small alphabet so repeats happen. */
const secret = fc.stringMatching(/^[A-Za-z0-9_-]{1,4}$/);
/** Where a variable is set: the environment, the .env file, or both (the environment wins). */
const place = fc.constantFrom('env', 'file', 'both');
const variable = fc.record({ value: secret, place, fileValue: secret });

const dir = mkdtempSync(join(tmpdir(), 'keyrelay-keys-prop-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('loadKeysFromEnv (property)', () => {
  it('loads the distinct values in numeric order, environment over file, warning once per repeat', () => {
    fc.assert(
      fc.property(
        fc.option(variable, { nil: undefined }),
        fc.dictionary(fc.integer({ min: 0, max: 2000 }).map(String), variable, { maxKeys: 12 }),
        (single, numbered) => {
          const all: [string, { value: string; place: string; fileValue: string }][] = [
            ...(single === undefined ? [] : [['GEMINI_API_KEY', single] as const]),
            ...Object.entries(numbered).map(([n, v]) => [`GEMINI_API_KEY_${n}`, v] as const),
          ].map(([name, v]) => [name, v]);
          const env: Record<string, string> = { OTHER_API_KEY: 'ignored' };
          const fileLines = ['# keys', 'OTHER_API_KEY_1=ignored'];
          // Reverse insertion order so the loader cannot rely on it.
          for (const [name, v] of [...all].reverse()) {
            if (v.place !== 'file') env[name] = v.value;
            if (v.place === 'file') fileLines.push(`${name} = ${v.value}`);
            if (v.place === 'both') fileLines.push(`${name}=${v.fileValue}`);
          }
          writeFileSync(join(dir, '.env'), `${fileLines.join('\n')}\n`);

          const ordered = all
            .map(([name, v]): [string, string, number] => [
              name,
              v.value,
              name === 'GEMINI_API_KEY' ? -1 : Number(name.slice('GEMINI_API_KEY_'.length)),
            ])
            .sort((a, b) => a[2] - b[2]);
          if (ordered.length === 0) {
            expect(() => loadKeysFromEnv('gemini', { env, cwd: dir })).toThrow(
              /No gemini API key found/,
            );
            return;
          }
          const expected = new Map<string, string>();
          for (const [name, value] of ordered) if (!expected.has(value)) expected.set(value, name);

          const warnings: string[] = [];
          const { keys } = loadKeysFromEnv('gemini', {
            env,
            cwd: dir,
            onWarning: (m) => warnings.push(m),
          });
          expect(keys.map((k) => [k.name, k.reveal()])).toEqual(
            [...expected].map(([value, name]) => [name, value]),
          );
          expect(warnings).toHaveLength(ordered.length - expected.size);
        },
      ),
      { numRuns: 300 },
    );
  });
});
