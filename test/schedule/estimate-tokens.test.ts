import { describe, expect, it } from 'vitest';
import { estimateTokens } from '../../src/schedule/estimate-tokens.js';

describe('estimateTokens (the default estimate)', () => {
  it('counts a quarter of a string, rounded up, at least 1', () => {
    expect(estimateTokens('Hello world!')).toBe(3);
    expect(estimateTokens('abcde')).toBe(2);
    expect(estimateTokens('')).toBe(1);
  });

  it('counts the text found in objects and arrays, not keys, numbers or the model', () => {
    const request = {
      model: 'gemini-2.0-flash-with-a-long-name',
      id: 12345,
      contents: [{ role: 'user', parts: [{ text: 'a'.repeat(40) }, { text: 'b'.repeat(8) }] }],
      systemInstruction: 'c'.repeat(12),
    };
    // 'user' (4) + 40 + 8 + 12 = 64 characters.
    expect(estimateTokens(request)).toBe(16);
  });

  it('stops 8 levels deep and never throws on odd values', () => {
    let deep: unknown = 'x'.repeat(400);
    for (let level = 0; level < 12; level++) deep = { inner: deep };
    expect(estimateTokens(deep)).toBe(1);
    expect(estimateTokens(null)).toBe(1);
    expect(estimateTokens(42)).toBe(1);
    expect(estimateTokens([null, undefined, 'abcd', { prompt: 'abcd' }])).toBe(2);
  });

  it('counts the own text of a class instance', () => {
    class Job {
      constructor(readonly prompt: string) {}
      describe(): string {
        return `job: ${this.prompt}`;
      }
    }
    expect(estimateTokens(new Job('a'.repeat(20)))).toBe(5);
  });
});
