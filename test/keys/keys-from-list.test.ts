import { describe, expect, it } from 'vitest';
import { InvalidOptionError } from '../../src/errors.js';
import {
  ApiKey,
  EmptyKeyError,
  InvalidKeyConfigError,
  keysFromList,
  NoKeysError,
} from '../../src/keys/index.js';
import { captureError } from './helpers.js';

describe('keysFromList', () => {
  it('builds keys in list order with their groups', () => {
    const keys = keysFromList('gemini', [
      { name: 'main', secret: 's-main', group: 'project-a' },
      { name: 'spare', secret: ' s-spare ' },
    ]);
    expect(keys.every((k) => k instanceof ApiKey)).toBe(true);
    expect(keys.map((k) => [k.name, k.group, k.reveal()])).toEqual([
      ['main', 'project-a', 's-main'],
      ['spare', 'spare', 's-spare'],
    ]);
  });

  it('loads a repeated secret once and warns naming both entries', () => {
    const warnings: string[] = [];
    const keys = keysFromList(
      'gemini',
      [
        { name: 'a', secret: 'same' },
        { name: 'b', secret: 'same' },
        { name: 'c', secret: 'other' },
      ],
      { onWarning: (m) => warnings.push(m) },
    );
    expect(keys.map((k) => k.name)).toEqual(['a', 'c']);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^b has the same value as a;/);
    expect(warnings[0]).not.toContain('same;');
  });

  it('an empty list is a NoKeysError', () => {
    const error = captureError(() => keysFromList('gemini', []));
    expect(error).toBeInstanceOf(NoKeysError);
    expect(error.message).toContain('empty list');
  });

  it('an empty secret is an EmptyKeyError naming the entry', () => {
    const error = captureError(() =>
      keysFromList('gemini', [
        { name: 'a', secret: 'x' },
        { name: 'b', secret: '  ' },
      ]),
    );
    expect(error).toBeInstanceOf(EmptyKeyError);
    expect((error as EmptyKeyError).keyName).toBe('b');
    expect(error.message).toContain('b is empty');
  });

  it('a non-string secret is an EmptyKeyError', () => {
    const error = captureError(() =>
      keysFromList('gemini', [{ name: 'a', secret: undefined as unknown as string }]),
    );
    expect(error).toBeInstanceOf(EmptyKeyError);
    expect(error.message).toContain('received undefined');
  });

  it.each([
    [[{ name: '', secret: 'x' }], 'entry 0 needs a non-empty string `name`'],
    [[{ secret: 'x' }], 'entry 0 needs a non-empty string `name`'],
    [
      [
        { name: 'a', secret: 'x' },
        { name: 'a', secret: 'y' },
      ],
      'entry 1 repeats the name a',
    ],
    [[{ name: 'a', secret: 'x', group: ' ' }], 'The group of key a (entry 0)'],
    [[null], 'entry 0 must be an object'],
  ])('rejects bad entries: %o', (entries, message) => {
    const error = captureError(() => keysFromList('gemini', entries as never));
    expect(error).toBeInstanceOf(InvalidKeyConfigError);
    expect(error.message).toContain(message);
    expect(error.message).not.toMatch(/"x"|"y"/);
  });

  it('rejects a non-array and a bad service name', () => {
    expect(() => keysFromList('gemini', 'k' as never)).toThrow(InvalidOptionError);
    expect(() => keysFromList('', [{ name: 'a', secret: 'x' }])).toThrow(InvalidOptionError);
  });
});
