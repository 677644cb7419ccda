import { describe, expect, it } from 'vitest';
import { ApiKey, redactSecrets } from '../../src/keys/index.js';

const key = (name: string, secret: string) => new ApiKey({ name, secret });

describe('redactSecrets', () => {
  const keys = [key('GEMINI_API_KEY_1', 'AIzaFirst'), key('GEMINI_API_KEY_2', 'AIza.Second+')];

  it('replaces every occurrence of each secret with <name>', () => {
    expect(
      redactSecrets(
        'API key not valid: AIzaFirst (again AIzaFirst), then AIza.Second+ in a URL ?key=AIza.Second+',
        keys,
      ),
    ).toBe(
      'API key not valid: <GEMINI_API_KEY_1> (again <GEMINI_API_KEY_1>), then <GEMINI_API_KEY_2> in a URL ?key=<GEMINI_API_KEY_2>',
    );
  });

  it('treats regex characters in secrets literally', () => {
    expect(redactSecrets('AIzaXSecond+ stays', keys)).toBe('AIzaXSecond+ stays');
  });

  it('matches the longer secret when one contains another', () => {
    const nested = [key('short', 'abc'), key('long', 'abcdef')];
    expect(redactSecrets('abcdef abc', nested)).toBe('<long> <short>');
  });

  it('returns text unchanged when nothing matches, or there are no keys', () => {
    expect(redactSecrets('nothing here', keys)).toBe('nothing here');
    expect(redactSecrets('AIzaFirst', [])).toBe('AIzaFirst');
    expect(redactSecrets('', keys)).toBe('');
  });

  it('handles a long text with many keys in one pass', () => {
    const many = Array.from({ length: 200 }, (_, i) =>
      key(`K${i}`, `secret-${i}-${'x'.repeat(30)}`),
    );
    const text = Array.from(
      { length: 2000 },
      (_, i) => `line ${i} ${many[i % 200]?.reveal()}`,
    ).join('\n');
    const started = performance.now();
    const out = redactSecrets(text, many);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(out).not.toContain('secret-');
    expect(out.split('\n')[201]).toBe('line 201 <K1>');
  });
});
