import { describe, expect, it } from 'vitest';
import { endsSession, isAllowlistRefusal, plainError } from '../../src/renderer/src/error-messages';
import { formatCountdown, formatDuration } from '../../src/renderer/src/format-time';
import { ERROR_CODES } from '../../src/shared/errors';

describe('plain-words errors', () => {
  it.each(ERROR_CODES)('%s has its own sentence and a next step', (code) => {
    const plain = plainError({ code });
    expect(plain.title).not.toBe('Something went wrong.');
    expect(plain.title).toMatch(/\.$/);
    expect(plain.nextStep.length).toBeGreaterThan(10);
  });

  it('every code reads differently', () => {
    const titles = ERROR_CODES.map((code) => plainError({ code }).title);
    expect(new Set(titles).size).toBe(ERROR_CODES.length);
  });

  it('explains HTTP statuses: 403 as no access, 5xx as a server problem, unknown codes generically', () => {
    expect(plainError({ code: 'HTTP_ERROR', status: 403 }).title).toMatch(/do not have permission/);
    expect(plainError({ code: 'HTTP_ERROR', status: 503 }).title).toBe('The server had a problem (503).');
    expect(plainError({ code: 'NOT_A_CODE' }).title).toBe('Something went wrong.');
  });

  it('knows which errors end the session and which are allowlist refusals', () => {
    expect(ERROR_CODES.filter(endsSession)).toEqual(['SIGN_IN_REQUIRED', 'SESSION_EXPIRED']);
    expect(ERROR_CODES.filter(isAllowlistRefusal)).toEqual([
      'ORIGIN_NOT_ALLOWED',
      'HEADER_NOT_ALLOWED',
      'REDIRECT_BLOCKED',
    ]);
  });
});

describe('time formatting', () => {
  it('formats durations as m:ss or h:mm:ss and never goes negative', () => {
    expect(formatDuration(245_000)).toBe('4:05');
    expect(formatDuration(3_723_000)).toBe('1:02:03');
    expect(formatDuration(-5_000)).toBe('0:00');
    expect(formatCountdown(64_001)).toBe('1:05');
    expect(formatCountdown(400)).toBe('0:01');
    expect(formatCountdown(0)).toBe('0:00');
    expect(formatCountdown(-3_000)).toBe('0:00');
  });
});
