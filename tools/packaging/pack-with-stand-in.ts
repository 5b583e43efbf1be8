/**
 * Runs electron-builder `--linux dir` against a stand-in Electron (see
 * make-stand-in-electron-dist.ts) into a given folder: the packaging check's one build. Needs
 * the built app in out/ (`npm run build`). Returns where things landed and electron-builder's
 * output, so a test can list app.asar and read the hook's log line.
 *
 *   npx tsx tools/packaging/pack-with-stand-in.ts <output folder>
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { makeStandInElectronDist } from './make-stand-in-electron-dist';

const projectRoot = path.resolve(import.meta.dirname, '../..');

export interface StandInPack {
  /** linux-unpacked folder: the executable, resources/app.asar, resources/app.asar.unpacked. */
  appOutDir: string;
  resourcesDir: string;
  asarPath: string;
  /** electron-builder's stdout and stderr, interleaved. */
  output: string;
}

export async function packWithStandIn(
  workDir: string,
  options: { timeoutMs?: number; root?: string } = {},
): Promise<StandInPack> {
  const root = options.root ?? projectRoot;
  if (!existsSync(path.join(root, 'out/main/index.js'))) {
    throw new Error('out/main/index.js is missing: run `npm run build` first');
  }
  const electronDist = makeStandInElectronDist(path.join(workDir, 'electron-dist'));
  const outputDir = path.join(workDir, 'release');
  const cli = path.join(root, 'node_modules/electron-builder/cli.js');
  const args = [
    cli,
    '--linux',
    'dir',
    '--x64',
    '--publish',
    'never',
    `-c.electronDist=${electronDist}`,
    '-c.npmRebuild=false',
    `-c.directories.output=${outputDir}`,
  ];
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: { ...process.env, ELECTRON_BUILDER_OFFLINE: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const timeoutMs = options.timeoutMs ?? 120_000;
  const code = await new Promise<number | null>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`electron-builder did not finish within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('exit', (exitCode) => {
      clearTimeout(timer);
      resolve(exitCode);
    });
  });
  if (code !== 0) throw new Error(`electron-builder exited with ${code}:\n${output}`);
  const appOutDir = path.join(outputDir, 'linux-unpacked');
  const resourcesDir = path.join(appOutDir, 'resources');
  return { appOutDir, resourcesDir, asarPath: path.join(resourcesDir, 'app.asar'), output };
}

const isCli = process.argv[1] !== undefined && path.resolve(process.argv[1]) === import.meta.filename;
if (isCli) {
  const folder = process.argv[2];
  if (!folder) {
    console.error('usage: pack-with-stand-in.ts <output folder>');
    process.exit(2);
  }
  const result = await packWithStandIn(path.resolve(folder));
  console.log(result.output);
  console.log(`app.asar: ${result.asarPath}`);
}
