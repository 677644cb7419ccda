import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

/** One line of the input and its number (from 1). */
export interface InputLine {
  readonly text: string;
  readonly line: number;
}

/**
 * Reads a JSONL input line by line, pulled on demand: `node:readline` over
 * `fs.createReadStream(path)`, or over `stdin` when `path` is `-`. readline
 * pauses the stream while lines wait to be pulled, so memory stays bounded
 * whatever the size of the input. `\r\n` line ends are accepted.
 *
 * Returning early from the iteration (a `break`, or `return()`) closes the file.
 *
 * @param stdin - the stream read for `-`. Default: `process.stdin`.
 */
export async function* readInputLines(
  path: string,
  stdin: Readable = process.stdin,
): AsyncGenerator<InputLine, void, undefined> {
  const stream =
    path === '-' ? stdin : createReadStream(path, { encoding: 'utf8', highWaterMark: 64 * 1024 });
  const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
  let line = 0;
  try {
    for await (const text of lines) {
      line++;
      yield { text, line };
    }
  } finally {
    lines.close();
    if (path !== '-') stream.destroy();
  }
}

/**
 * Counts the non-blank lines of a file without holding it in memory: the
 * job's total for the progress display. Streams the file once.
 */
export async function countInputLines(path: string): Promise<number> {
  let count = 0;
  let blank = true;
  const stream = createReadStream(path, { highWaterMark: 256 * 1024 });
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i]!;
      if (byte === 10) {
        if (!blank) count++;
        blank = true;
      } else if (byte !== 32 && byte !== 9 && byte !== 13) blank = false;
    }
  }
  return blank ? count : count + 1;
}
