import { spawn, type ChildProcess } from 'node:child_process';
import { ROOT } from './conversation.js';

export interface FaroProcess {
  /** Where it listens, as it printed it, e.g. http://localhost:41234 */
  url: string;
  child: ChildProcess;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
}

/**
 * Runs `npm start`'s command (src/main.ts through tsx) with only `env` and the basics set, and
 * waits for the address it prints. Rejects with its output if it exits first.
 */
export async function spawnFaro(env: Record<string, string>): Promise<FaroProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, PORT: '0', LOG_LEVEL: 'info', ...env },
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setInterval(() => {
      const m = /Faro is running at (http:\/\/[\d.a-z]+:\d+)/.exec(out);
      if (m) {
        clearInterval(timer);
        resolve(m[1]!);
      }
    }, 50);
    child.once('exit', (code) => {
      clearInterval(timer);
      reject(new Error(`Faro exited with ${code}:\n${out}`));
    });
  });
  return { url, child, output: () => out };
}
