import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

/**
 * Child processes for `npm start`: a dev tool is started, its first JSON ready line awaited (with a
 * timeout), its stderr passed through with a prefix, and it is stopped with SIGTERM, then SIGKILL.
 */
export interface StartedTool {
  name: string;
  child: ChildProcess;
  ready: Record<string, unknown>;
}

export function startTool(
  name: string,
  command: string,
  args: string[],
  isReady: (json: Record<string, unknown>) => boolean,
  options: { cwd: string; timeoutMs?: number; env?: NodeJS.ProcessEnv },
): Promise<StartedTool> {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n'))
      if (line.trim()) process.stderr.write(`[${name}] ${line}\n`);
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stopTool({ name, child, ready: {} });
      reject(new Error(`${name} did not report ready within ${(options.timeoutMs ?? 30_000) / 1000} s`));
    }, options.timeoutMs ?? 30_000);
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      let json: unknown;
      try {
        json = JSON.parse(line);
      } catch {
        return;
      }
      if (json !== null && typeof json === 'object' && isReady(json as Record<string, unknown>)) {
        clearTimeout(timer);
        resolve({ name, child, ready: json as Record<string, unknown> });
      }
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`${name} could not start: ${error.message}`));
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited before it was ready (${signal ?? `code ${code}`})`));
    });
  });
}

export async function stopTool(tool: StartedTool, graceMs = 5000): Promise<void> {
  const { child } = tool;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}
