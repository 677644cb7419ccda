import { afterEach, describe, expect, it } from 'vitest';
import { type MockGeminiServer, runMockCommand } from '../../src/mock/index.js';
import { generate } from './helpers.js';

let server: MockGeminiServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('runMockCommand', () => {
  it('starts a server with fake demo keys in two projects and prints address, keys and env', async () => {
    const lines: string[] = [];
    server = await runMockCommand({
      keys: 3,
      rpm: 1,
      windowMs: 1000,
      print: (line) => lines.push(line),
    });
    const output = lines.join('\n');
    expect(output).toContain(server.url);
    expect(output).toMatch(/fake/i);
    expect(output).toContain(`GEMINI_BASE_URL=${server.url}`);
    expect(output).toContain('GEMINI_API_KEY_1=mock-key-1');
    expect(output).toContain('GEMINI_API_KEY_2_PROJECT=project-b');
    expect(output).toContain('GEMINI_API_KEY_3_PROJECT=project-a');

    // Keys 1 and 3 share project-a's budget; key 2 is in project-b.
    expect((await generate(server, { key: 'mock-key-1' })).status).toBe(200);
    expect((await generate(server, { key: 'mock-key-3' })).status).toBe(429);
    expect((await generate(server, { key: 'mock-key-2' })).status).toBe(200);
    expect(server.log.map((e) => `${e.key}@${e.project}`)).toEqual([
      'GEMINI_API_KEY_1@project-a',
      'GEMINI_API_KEY_3@project-a',
      'GEMINI_API_KEY_2@project-b',
    ]);
  });
});
