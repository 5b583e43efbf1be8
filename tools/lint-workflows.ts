/**
 * `npm run lint` (last step): checks every GitHub Actions workflow under .github/workflows against
 * the workflow schema with @action-validator/cli. Lists the folder itself, so a new workflow is
 * checked without touching package.json, and works where the shell does not expand globs
 * (cmd.exe on the Windows CI runner). Exits non-zero if any file fails or none is found.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const dir = path.join(root, '.github', 'workflows');
const files = readdirSync(dir)
  .filter((f) => /\.ya?ml$/.test(f))
  .sort()
  .map((f) => path.join(dir, f));
if (files.length === 0) {
  console.error('lint-workflows: no workflow files in .github/workflows');
  process.exit(1);
}
const cli = path.join(root, 'node_modules', '@action-validator', 'cli', 'cli.mjs');
let failed = 0;
for (const file of files) {
  const result = spawnSync(process.execPath, [cli, file], { stdio: 'inherit' });
  if (result.status !== 0) {
    failed += 1;
    console.error(`lint-workflows: ${path.relative(root, file)} is not a valid workflow`);
  }
}
if (failed === 0) console.log(`lint-workflows: ${files.length} workflow files valid`);
process.exit(failed === 0 ? 0 : 1);
