/**
 * Electronegativity gate (`npm run security:scan`): scans the app's source with
 * @doyensec/electronegativity for the installed Electron version, writes a SARIF 2.1.0 report,
 * and fails on any high or medium finding.
 *
 *   npx tsx tools/security/electronegativity.ts [--input src] [--sarif test-results/electronegativity.sarif]
 *
 * Why not just the CLI's `-o x.sarif`: Electronegativity 1.10's SARIF writer drops the severity
 * (it marks every finding `warning` unless it needs manual review, then `note`), so a gate on
 * it cannot tell high from low. The programmatic runner returns each finding with its severity;
 * this tool writes the SARIF itself with level error = HIGH, warning = MEDIUM, note = LOW or
 * INFORMATIONAL, and fails on error and warning results.
 *
 * Manual-review findings ("review the use of openExternal", "review the preload script") are
 * written as `note` and printed, but do not fail the gate: Electronegativity raises them where
 * the code *uses* a sensitive API, which is where the app implements its controls (the
 * openExternal allowlist, the contextBridge preload). Failing on them would force excluding
 * the very checks that point a reviewer at those places.
 *
 * Offline (as on the build machine) Electronegativity warns that it cannot fetch translations
 * and Electron's release list, then scans anyway; only the release-dependent check
 * (AVAILABLE_SECURITY_FIXES_GLOBAL_CHECK) has nothing to compare against.
 */
import run, { type ElectronegativityIssue } from '@doyensec/electronegativity';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const projectRoot = path.resolve(import.meta.dirname, '../..');

/**
 * Checks left out of the gate, by Electronegativity id, each with the reason. Empty: every
 * check applies to this app. Add an entry only with a reason a reviewer can verify.
 */
export const EXCLUDED_CHECKS: Readonly<Record<string, string>> = Object.freeze({});

export type Severity = 'HIGH' | 'MEDIUM' | 'LOW' | 'INFORMATIONAL';
export type SarifLevel = 'error' | 'warning' | 'note';

export interface Finding {
  id: string;
  severity: Severity;
  confidence: string;
  manualReview: boolean;
  /** Relative to the project root, forward slashes. */
  file: string;
  line: number;
  column: number;
  description: string;
}

export interface GateResult {
  passed: boolean;
  findings: Finding[];
  blocking: Finding[];
  excluded: Finding[];
  /** Files Electronegativity could not analyse (fail the gate: unchecked code is not clean code). */
  scanErrors: string[];
  electronVersion: string;
  sarifPath: string;
}

const SEVERITIES: readonly Severity[] = ['HIGH', 'MEDIUM', 'LOW', 'INFORMATIONAL'];

export function sarifLevel(finding: Pick<Finding, 'severity' | 'manualReview'>): SarifLevel {
  if (finding.manualReview) return 'note';
  if (finding.severity === 'HIGH') return 'error';
  if (finding.severity === 'MEDIUM') return 'warning';
  return 'note';
}

/** The findings that fail the gate: SARIF level error or warning, check not excluded. */
export function blockingFindings(
  findings: Finding[],
  excluded: Readonly<Record<string, string>> = EXCLUDED_CHECKS,
) {
  return findings.filter((f) => !(f.id in excluded) && sarifLevel(f) !== 'note');
}

export function toSarif(findings: Finding[], electronegativityVersion: string): object {
  const ruleIds = [...new Set(findings.map((f) => f.id))].sort();
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'Electronegativity',
            version: electronegativityVersion,
            informationUri: 'https://github.com/doyensec/electronegativity',
            rules: ruleIds.map((id) => ({
              id,
              helpUri: `https://github.com/doyensec/electronegativity/wiki/${id}`,
              properties: { category: 'Security' },
            })),
          },
        },
        results: findings.map((f) => ({
          ruleId: f.id,
          level: sarifLevel(f),
          message: { text: f.description },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: f.file, uriBaseId: '%SRCROOT%' },
                region: { startLine: Math.max(1, f.line), startColumn: f.column + 1 },
              },
            },
          ],
          properties: {
            severity: f.severity,
            confidence: f.confidence,
            manualReview: f.manualReview,
            excluded: f.id in EXCLUDED_CHECKS,
          },
        })),
      },
    ],
  };
}

function readVersion(packageJson: string): string {
  const version = (JSON.parse(readFileSync(packageJson, 'utf8')) as { version?: unknown }).version;
  if (typeof version !== 'string') throw new Error(`${packageJson} has no version`);
  return version;
}

/** Electronegativity cannot detect the version from a sub-folder (it assumes 0.1.0): pass it. */
export function installedElectronVersion(root = projectRoot): string {
  return readVersion(path.join(root, 'node_modules/electron/package.json'));
}

function toFinding(issue: ElectronegativityIssue, input: string, root: string): Finding {
  const severity = SEVERITIES.find((s) => s === issue.severity.name) ?? 'HIGH'; // unknown: fail closed
  // Global checks (e.g. "no navigation limits anywhere") name no file: point at the input folder.
  const absolute =
    issue.file === 'N/A' ? input : path.isAbsolute(issue.file) ? issue.file : path.join(input, issue.file);
  return {
    id: issue.id,
    severity,
    confidence: issue.confidence.name,
    manualReview: issue.manualReview === true,
    file: path.relative(root, absolute).split(path.sep).join('/'),
    line: issue.location?.line ?? 0,
    column: issue.location?.column ?? 0,
    description: issue.description,
  };
}

export async function runGate(
  options: { input?: string; sarifPath?: string; root?: string; electronVersion?: string } = {},
): Promise<GateResult> {
  const root = options.root ?? projectRoot;
  const input = path.resolve(root, options.input ?? 'src');
  const sarifPath = path.resolve(root, options.sarifPath ?? 'test-results/electronegativity.sarif');
  const electronVersion = options.electronVersion ?? installedElectronVersion(root);
  const result = await run({
    input,
    electronVersionOverride: electronVersion,
    parserPlugins: [],
    customScan: [],
    excludeFromScan: [],
  });
  const all = result.issues.map((issue) => toFinding(issue, input, root));
  const excluded = all.filter((f) => f.id in EXCLUDED_CHECKS);
  const findings = all.filter((f) => !(f.id in EXCLUDED_CHECKS));
  const blocking = blockingFindings(findings);
  const scanErrors = result.errors
    .filter((e) => e.tolerable !== true)
    .map((e) => `${path.relative(root, e.file)}: ${e.message ?? 'could not be analysed'}`);
  mkdirSync(path.dirname(sarifPath), { recursive: true });
  const ownVersion = readVersion(path.join(root, 'node_modules/@doyensec/electronegativity/package.json'));
  writeFileSync(sarifPath, `${JSON.stringify(toSarif(all, ownVersion), null, 2)}\n`);
  return {
    passed: blocking.length === 0 && scanErrors.length === 0,
    findings,
    blocking,
    excluded,
    scanErrors,
    electronVersion,
    sarifPath,
  };
}

export function formatReport(result: GateResult): string {
  const line = (f: Finding) =>
    `  ${sarifLevel(f).padEnd(7)} ${f.severity.padEnd(13)} ${f.id} ${f.file}:${f.line}:${f.column}${f.manualReview ? ' (manual review)' : ''}`;
  const lines = [
    `Electronegativity gate (Electron ${result.electronVersion}): ${result.findings.length} finding(s), ${result.blocking.length} blocking, SARIF ${result.sarifPath}`,
    ...result.findings.map(line),
  ];
  for (const f of result.excluded)
    lines.push(`  excluded ${f.id} ${f.file}:${f.line}: ${EXCLUDED_CHECKS[f.id]}`);
  for (const e of result.scanErrors) lines.push(`  could not analyse ${e}`);
  lines.push(result.passed ? 'PASSED: no high or medium findings' : 'FAILED: fix the findings above');
  return lines.join('\n');
}

const isCli = process.argv[1] !== undefined && path.resolve(process.argv[1]) === import.meta.filename;
if (isCli) {
  const args = process.argv.slice(2);
  const option = (name: string) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const result = await runGate({
    input: option('--input'),
    sarifPath: option('--sarif'),
    root: process.cwd(),
  });
  console.log(formatReport(result));
  process.exit(result.passed ? 0 : 1);
}
