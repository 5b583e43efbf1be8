/** docs/session.md's state diagram is the one generated from the machine's table. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DOC, sessionDiagram, withDiagram } from '../../tools/docs/session-diagram';

describe('session diagram in docs/session.md', () => {
  it('matches the transition table', () => {
    const doc = readFileSync(DOC, 'utf8');
    expect(withDiagram(doc)).toBe(doc);
    expect(sessionDiagram()).toContain('signed_in --> disposed: dispose');
  });
});
