import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = resolve(ROOT, 'src/cli/bin.js');

export interface FaroRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the real `faro` command from the project folder, colours off.
 * `unset` removes variables of the machine running the tests; `stdin` is fed and closed.
 */
export function faro(args: string[], options: { env?: Record<string, string>; unset?: string[]; stdin?: string } = {}): Promise<FaroRun> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !(options.unset ?? []).includes(k)));
  return new Promise((ok, fail) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...base, NO_COLOR: '1', ...options.env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', fail);
    child.on('close', (code) => ok({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(options.stdin ?? '');
  });
}
