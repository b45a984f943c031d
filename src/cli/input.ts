// Reads a command's input document from a file or from standard input (`-`).
import { readFile } from 'node:fs/promises';
import { type CliIo, readAll, UsageError } from './io.js';

export async function readInput(path: string, io: CliIo): Promise<string> {
  if (path === '-') return readAll(io.stdin);
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(code === 'ENOENT' ? `cannot read \`${path}\`: no such file` : `cannot read \`${path}\`: ${(e as Error).message}`);
  }
}
