import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** One line of a prompts file: `{ "id": 1, "prompt": "…" }` (`model` optional). */
export interface PromptLine {
  readonly id: number | string;
  readonly prompt: string;
  readonly model?: string;
}

/** The prompts shipped with the examples: `examples/prompts.jsonl`. */
export const PROMPTS_FILE = fileURLToPath(new URL('../prompts.jsonl', import.meta.url));

/**
 * The lines of a JSONL file, parsed one at a time as they are pulled (so a
 * large file is never read far ahead of what `schedule()` dispatches).
 */
export async function* readPrompts(path: string = PROMPTS_FILE): AsyncGenerator<PromptLine> {
  const lines = createInterface({
    input: createReadStream(path),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  let number = 0;
  for await (const line of lines) {
    number++;
    if (line.trim() === '') continue;
    const value = JSON.parse(line) as Partial<PromptLine>;
    if (typeof value.prompt !== 'string') throw new Error(`${path}:${number}: no "prompt" string`);
    yield {
      id: value.id ?? number,
      prompt: value.prompt,
      ...(value.model === undefined ? {} : { model: value.model }),
    };
  }
}

/** Every line of a prompts file, at once (for small files). */
export async function loadPrompts(path = PROMPTS_FILE): Promise<PromptLine[]> {
  const all: PromptLine[] = [];
  for await (const line of readPrompts(path)) all.push(line);
  return all;
}
