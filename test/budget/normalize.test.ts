import { describe, expect, it } from 'vitest';
import { type Limits, normalizeLimits } from '../../src/budget/index.js';
import { InvalidOptionError } from '../../src/errors.js';

function errorOf(run: () => unknown): InvalidOptionError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidOptionError);
    return error as InvalidOptionError;
  }
  throw new Error('expected an InvalidOptionError');
}

const BAD_NUMBERS: readonly unknown[] = [
  0,
  -1,
  -0.5,
  1.5,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  2 ** 53,
  '5',
  null,
];

describe('normalizeLimits', () => {
  it('flattens RPM, TPM and extra windows into one list of sliding windows', () => {
    expect(
      normalizeLimits({
        requestsPerMinute: 15,
        tokensPerMinute: 1_000_000,
        requestsPerDay: 1_500,
        windows: [
          { requests: 2, per: 1_000 },
          { tokens: 50, requests: 5, per: 10_000 },
        ],
      }),
    ).toEqual({
      windows: [
        { requests: 15, per: 60_000 },
        { tokens: 1_000_000, per: 60_000 },
        { requests: 2, per: 1_000 },
        { requests: 5, tokens: 50, per: 10_000 },
      ],
      requestsPerDay: 1_500,
    });
    expect(normalizeLimits({})).toEqual({ windows: [] });
  });

  it.each(['requestsPerMinute', 'tokensPerMinute', 'requestsPerDay'] as const)(
    'rejects a bad %s, naming the option, the range and the value',
    (field) => {
      for (const bad of BAD_NUMBERS) {
        const error = errorOf(() => normalizeLimits({ [field]: bad } as Limits));
        expect(error.option).toBe(`limits.${field}`);
        expect(error.message).toContain(`\`limits.${field}\``);
        expect(error.message).toContain('positive safe integer');
        expect(error.message).toContain(
          `received ${typeof bad === 'string' ? `"${bad}"` : String(bad)}`,
        );
      }
    },
  );

  it('rejects bad extra windows, naming the window and field', () => {
    const ok = { requests: 1, per: 1_000 };
    for (const bad of BAD_NUMBERS) {
      expect(
        errorOf(() => normalizeLimits({ windows: [ok, { requests: 1, per: bad as number }] }))
          .option,
      ).toBe('limits.windows[1].per');
      expect(
        errorOf(() => normalizeLimits({ windows: [{ requests: bad as number, per: 10 }] })).option,
      ).toBe('limits.windows[0].requests');
      expect(
        errorOf(() => normalizeLimits({ windows: [ok, ok, { tokens: bad as number, per: 10 }] }))
          .option,
      ).toBe('limits.windows[2].tokens');
    }
    const empty = errorOf(() => normalizeLimits({ windows: [{ per: 1_000 }] }));
    expect(empty.option).toBe('limits.windows[0]');
    expect(empty.message).toContain('`requests` or `tokens`');
    expect(errorOf(() => normalizeLimits({ windows: {} as never })).option).toBe('limits.windows');
    expect(errorOf(() => normalizeLimits({ windows: [null as never] })).option).toBe(
      'limits.windows[0]',
    );
  });

  it('keeps the own margin of a window and rejects a bad one, naming it', () => {
    expect(normalizeLimits({ windows: [{ requests: 5, per: 250, marginMs: 0 }] }).windows).toEqual([
      { requests: 5, per: 250, marginMs: 0 },
    ]);
    for (const bad of [-1, 1.5, Number.NaN, '10']) {
      expect(
        errorOf(() =>
          normalizeLimits({ windows: [{ requests: 5, per: 250, marginMs: bad as number }] }),
        ).option,
      ).toBe('limits.windows[0].marginMs');
    }
  });

  it('uses the option path it is given', () => {
    expect(errorOf(() => normalizeLimits({ requestsPerMinute: 0 }, 'limits[3]')).option).toBe(
      'limits[3].requestsPerMinute',
    );
    expect(errorOf(() => normalizeLimits(null as never, 'rules[0]')).option).toBe('rules[0]');
  });
});
