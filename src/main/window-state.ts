import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { writePrivateFileAtomic } from './config/private-file';
import { z } from 'zod';

/**
 * Where the main window opens: the size and position it last had on each display, restored on
 * the display it was last on; if that display is gone (a laptop undocked), on the primary
 * display, fully on screen. Plain data in and out; window.ts (glue) reads Electron's `screen`
 * and the window's bounds and calls these.
 *
 * Promises:
 * - `restoreWindowBounds` always returns a rectangle inside some current display's work area
 *   (shrunk to fit when the display is smaller), or no position at all (Electron centres).
 * - Displays are keyed by id and size, so a different monitor that reuses an id does not
 *   inherit bounds meant for another size.
 * - The state file is validated; a missing or bad file means "no memory", never a crash.
 */
export const WINDOW_STATE_FILE_NAME = 'window-state.json';

/**
 * The smallest window every screen is laid out for (the layout test checks each screen at this
 * size, test/renderer/layout.test.ts): window.ts passes it as minWidth/minHeight, and a
 * remembered size below it grows back to it (unless the display itself is smaller).
 */
export const MIN_WINDOW_SIZE = { width: 800, height: 600 } as const;
/** The first start's size. */
export const DEFAULT_WINDOW_SIZE = { width: 1100, height: 760 } as const;

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}
export interface DisplayInfo {
  id: number;
  bounds: Rect;
  workArea: Rect;
}

const RectSchema = z
  .object({
    x: z.number().int(),
    y: z.number().int(),
    width: z.number().int().positive(),
    height: z.number().int().positive(),
  })
  .strict();
const SavedSchema = RectSchema.extend({ maximized: z.boolean() }).strict();
export const WindowStateSchema = z
  .object({
    version: z.literal(1),
    lastDisplay: z.string().max(100).optional(),
    displays: z.record(z.string().max(100), SavedSchema),
  })
  .strict();
export type WindowState = z.infer<typeof WindowStateSchema>;
export type SavedBounds = z.infer<typeof SavedSchema>;

export const EMPTY_WINDOW_STATE: WindowState = { version: 1, displays: {} };

export function displayKey(display: DisplayInfo): string {
  return `${display.id}:${display.bounds.width}x${display.bounds.height}`;
}

/** The display holding most of `bounds` (like screen.getDisplayMatching). */
export function displayMatching(bounds: Rect, displays: readonly DisplayInfo[]): DisplayInfo | undefined {
  let best: DisplayInfo | undefined;
  let bestArea = -1;
  for (const display of displays) {
    const b = display.bounds;
    const w = Math.min(bounds.x + bounds.width, b.x + b.width) - Math.max(bounds.x, b.x);
    const h = Math.min(bounds.y + bounds.height, b.y + b.height) - Math.max(bounds.y, b.y);
    const area = Math.max(0, w) * Math.max(0, h);
    if (area > bestArea) {
      best = display;
      bestArea = area;
    }
  }
  return best;
}

export function rememberWindowBounds(
  state: WindowState,
  displays: readonly DisplayInfo[],
  bounds: Rect,
  maximized: boolean,
): WindowState {
  const display = displayMatching(bounds, displays);
  if (!display) return state;
  const key = displayKey(display);
  const rounded = {
    x: Math.round(bounds.x),
    y: Math.round(bounds.y),
    width: Math.max(1, Math.round(bounds.width)),
    height: Math.max(1, Math.round(bounds.height)),
  };
  return { version: 1, lastDisplay: key, displays: { ...state.displays, [key]: { ...rounded, maximized } } };
}

export interface RestoredBounds {
  x?: number;
  y?: number;
  width: number;
  height: number;
  maximized: boolean;
}

/** Moves and shrinks `rect` until it lies inside `area`; never below MIN_WINDOW_SIZE unless `area` is. */
export function fitInside(rect: Rect, area: Rect): Rect {
  const width = Math.min(Math.max(rect.width, MIN_WINDOW_SIZE.width), area.width);
  const height = Math.min(Math.max(rect.height, MIN_WINDOW_SIZE.height), area.height);
  const x = Math.min(Math.max(rect.x, area.x), area.x + area.width - width);
  const y = Math.min(Math.max(rect.y, area.y), area.y + area.height - height);
  return { x, y, width, height };
}

export function restoreWindowBounds(
  state: WindowState,
  displays: readonly DisplayInfo[],
  primary: DisplayInfo,
  defaults: { width: number; height: number },
): RestoredBounds {
  const byKey = new Map(displays.map((d) => [displayKey(d), d]));
  const last = state.lastDisplay === undefined ? undefined : byKey.get(state.lastDisplay);
  const lastSaved = state.lastDisplay === undefined ? undefined : state.displays[state.lastDisplay];
  if (last && lastSaved) {
    return { ...fitInside(lastSaved, last.workArea), maximized: lastSaved.maximized };
  }
  const primarySaved = state.displays[displayKey(primary)];
  if (primarySaved)
    return { ...fitInside(primarySaved, primary.workArea), maximized: primarySaved.maximized };
  // The display it was on is gone and the primary has no memory: keep the size, centre it there.
  const size = lastSaved ?? defaults;
  const area = primary.workArea;
  const width = Math.min(Math.max(size.width, MIN_WINDOW_SIZE.width), area.width);
  const height = Math.min(Math.max(size.height, MIN_WINDOW_SIZE.height), area.height);
  return {
    x: Math.round(area.x + (area.width - width) / 2),
    y: Math.round(area.y + (area.height - height) / 2),
    width,
    height,
    maximized: lastSaved?.maximized ?? false,
  };
}

export function readWindowState(file: string): WindowState {
  if (!existsSync(file)) return EMPTY_WINDOW_STATE;
  try {
    const parsed = WindowStateSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    return parsed.success ? parsed.data : EMPTY_WINDOW_STATE;
  } catch {
    return EMPTY_WINDOW_STATE;
  }
}

export function writeWindowState(file: string, state: WindowState): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writePrivateFileAtomic(file, `${JSON.stringify(state)}\n`);
}
