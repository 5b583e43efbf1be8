/** Types for Electronegativity's programmatic entry (package main: dist/runner.js), which ships none. */
declare module '@doyensec/electronegativity' {
  export interface ElectronegativityLevel {
    value: number;
    name: string;
  }
  export interface ElectronegativityIssue {
    id: string;
    file: string;
    location?: { line?: number; column?: number };
    sample?: string;
    description: string;
    severity: ElectronegativityLevel;
    confidence: ElectronegativityLevel;
    manualReview: boolean;
    shortenedURL?: string;
  }
  export interface ElectronegativityOptions {
    input: string;
    output?: string;
    isSarif?: boolean;
    customScan?: string[];
    excludeFromScan?: string[];
    severitySet?: string;
    confidenceSet?: string;
    isRelative?: boolean;
    isVerbose?: boolean;
    electronUpgrade?: string;
    electronVersionOverride?: string;
    parserPlugins?: string[];
  }
  export interface ElectronegativityResult {
    globalChecks: number;
    atomicChecks: number;
    errors: Array<{ file: string; message?: string; tolerable?: boolean }>;
    issues: ElectronegativityIssue[];
  }
  export default function run(options: ElectronegativityOptions): Promise<ElectronegativityResult>;
}
