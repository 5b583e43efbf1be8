/**
 * Window bounds per display (src/main/window-state.ts): remembered on the display the window was
 * on, restored there, and brought back on screen when that display is gone.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  EMPTY_WINDOW_STATE,
  MIN_WINDOW_SIZE,
  readWindowState,
  rememberWindowBounds,
  restoreWindowBounds,
  writeWindowState,
  type DisplayInfo,
  type Rect,
} from '../../src/main/window-state';

const laptop: DisplayInfo = {
  id: 1,
  bounds: { x: 0, y: 0, width: 1440, height: 900 },
  workArea: { x: 0, y: 25, width: 1440, height: 875 },
};
const monitor: DisplayInfo = {
  id: 2,
  bounds: { x: 1440, y: 0, width: 2560, height: 1440 },
  workArea: { x: 1440, y: 0, width: 2560, height: 1400 },
};
const defaults = { width: 1100, height: 760 };

const inside = (r: Rect, area: Rect) =>
  r.x >= area.x &&
  r.y >= area.y &&
  r.x + r.width <= area.x + area.width &&
  r.y + r.height <= area.y + area.height;

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('window bounds per display', () => {
  it('a remembered size below the minimum grows back to it; a display smaller than the minimum still bounds it', () => {
    const state = rememberWindowBounds(
      EMPTY_WINDOW_STATE,
      [laptop],
      { x: 10, y: 40, width: 500, height: 300 },
      false,
    );
    const r = restoreWindowBounds(state, [laptop], laptop, defaults);
    expect(r).toMatchObject({ width: MIN_WINDOW_SIZE.width, height: MIN_WINDOW_SIZE.height });
    expect(inside({ x: r.x ?? 0, y: r.y ?? 0, width: r.width, height: r.height }, laptop.workArea)).toBe(
      true,
    );
    const tiny: DisplayInfo = {
      id: 3,
      bounds: { x: 0, y: 0, width: 720, height: 540 },
      workArea: { x: 0, y: 0, width: 720, height: 500 },
    };
    expect(restoreWindowBounds(EMPTY_WINDOW_STATE, [tiny], tiny, defaults)).toMatchObject({
      width: 720,
      height: 500,
    });
  });

  it('first start: the default size, centred on the primary display', () => {
    const r = restoreWindowBounds(EMPTY_WINDOW_STATE, [laptop], laptop, defaults);
    expect(r).toEqual({ x: 170, y: 83, width: 1100, height: 760, maximized: false });
  });

  it('restores the size and position it had on the display it was last on, per display', () => {
    let state = rememberWindowBounds(
      EMPTY_WINDOW_STATE,
      [laptop, monitor],
      { x: 40, y: 60, width: 900, height: 700 },
      false,
    );
    state = rememberWindowBounds(
      state,
      [laptop, monitor],
      { x: 2000, y: 100, width: 1600, height: 1000 },
      true,
    );
    expect(Object.keys(state.displays)).toHaveLength(2);
    expect(restoreWindowBounds(state, [laptop, monitor], laptop, defaults)).toEqual({
      x: 2000,
      y: 100,
      width: 1600,
      height: 1000,
      maximized: true,
    });
    // Moved back to the laptop: its own bounds for that display come back.
    state = rememberWindowBounds(state, [laptop, monitor], { x: 40, y: 60, width: 900, height: 700 }, false);
    expect(restoreWindowBounds(state, [laptop, monitor], laptop, defaults)).toMatchObject({
      x: 40,
      y: 60,
      width: 900,
    });
  });

  it('the monitor is gone: the laptop bounds remembered for the laptop, on screen', () => {
    let state = rememberWindowBounds(
      EMPTY_WINDOW_STATE,
      [laptop, monitor],
      { x: 100, y: 80, width: 1000, height: 700 },
      false,
    );
    state = rememberWindowBounds(
      state,
      [laptop, monitor],
      { x: 2200, y: 300, width: 1600, height: 1000 },
      false,
    );
    const r = restoreWindowBounds(state, [laptop], laptop, defaults);
    expect(r).toEqual({ x: 100, y: 80, width: 1000, height: 700, maximized: false });
  });

  it('the monitor is gone and the laptop has no memory: the size kept (shrunk to fit), centred on screen', () => {
    const state = rememberWindowBounds(
      EMPTY_WINDOW_STATE,
      [laptop, monitor],
      { x: 2200, y: 300, width: 1600, height: 1000 },
      false,
    );
    const r = restoreWindowBounds(state, [laptop], laptop, defaults);
    expect(inside({ x: r.x!, y: r.y!, width: r.width, height: r.height }, laptop.workArea)).toBe(true);
    expect(r.width).toBe(1440);
    expect(r.height).toBe(875);
  });

  it('a window left half off its display comes back fully on it', () => {
    const state = rememberWindowBounds(
      EMPTY_WINDOW_STATE,
      [laptop],
      { x: 1000, y: 500, width: 900, height: 700 },
      false,
    );
    const r = restoreWindowBounds(state, [laptop], laptop, defaults);
    expect(inside({ x: r.x!, y: r.y!, width: r.width, height: r.height }, laptop.workArea)).toBe(true);
    expect(r).toMatchObject({ width: 900, height: 700 });
  });

  it('another monitor reusing the id with a different size does not inherit the bounds', () => {
    const state = rememberWindowBounds(
      EMPTY_WINDOW_STATE,
      [laptop, monitor],
      { x: 2000, y: 100, width: 1600, height: 1000 },
      false,
    );
    const smaller: DisplayInfo = {
      ...monitor,
      bounds: { ...monitor.bounds, width: 1280, height: 720 },
      workArea: { x: 1440, y: 0, width: 1280, height: 720 },
    };
    const r = restoreWindowBounds(state, [laptop, smaller], laptop, defaults);
    expect(inside({ x: r.x!, y: r.y!, width: r.width, height: r.height }, laptop.workArea)).toBe(true);
  });

  it('persists through a file; a missing or bad file means no memory, never a crash', () => {
    dir = mkdtempSync(path.join(tmpdir(), 'window-state-'));
    const file = path.join(dir, 'window-state.json');
    expect(readWindowState(file)).toEqual(EMPTY_WINDOW_STATE);
    const state = rememberWindowBounds(
      EMPTY_WINDOW_STATE,
      [laptop],
      { x: 10, y: 30, width: 800, height: 600 },
      false,
    );
    writeWindowState(file, state);
    expect(readWindowState(file)).toEqual(state);
    writeFileSync(file, '{"version":1,"displays":{"x":{"x":"left"}}}');
    expect(readWindowState(file)).toEqual(EMPTY_WINDOW_STATE);
    writeFileSync(file, 'not json');
    expect(readWindowState(file)).toEqual(EMPTY_WINDOW_STATE);
    expect(readFileSync(file, 'utf8')).toBe('not json');
  });
});
