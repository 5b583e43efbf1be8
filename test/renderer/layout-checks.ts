import type { Page } from 'playwright-core';

/**
 * Layout faults a person would see, measured in the page (Chromium's own layout, no pixels
 * compared):
 * - `page-overflow`: the document is wider than the window (a horizontal scroll bar).
 * - `clipped`: an element that shows text (its own text nodes, or a control's label) is wider
 *   inside than its box (scrollWidth > clientWidth) without being a scroll container or inside
 *   one (code blocks, the table wrapper and text fields are meant to scroll).
 * - `overlap`: two visible interactive elements (buttons, links, fields, summaries) intersect.
 * - `label-far`: a control's label is neither on the same row (vertical ranges overlap, at most
 *   `GAP` px apart sideways) nor directly above it (at most `GAP` px above, overlapping sideways).
 * - `label-cramped`: a label or legend touches another control (less than 2 px apart), as the
 *   Theme legend once sat on the Language select.
 * Each fault is one line naming the element (tag, id/class/test id) and its text.
 */
export const GAP = 24;

export async function layoutFaults(page: Page): Promise<string[]> {
  return await page.evaluate((gap) => {
    // Runs in Chromium; the test tsconfig has no DOM lib.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const doc = (globalThis as any).document;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const win = globalThis as any;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    type El = any;
    type R = { left: number; right: number; top: number; bottom: number; width: number; height: number };
    const faults: string[] = [];
    const name = (el: El) => {
      const testId = el.getAttribute('data-testid');
      const cls = typeof el.className === 'string' && el.className ? `.${el.className.split(' ')[0]}` : '';
      const text = (el.textContent ?? el.value ?? '').trim().replace(/\s+/g, ' ').slice(0, 50);
      return `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${testId ? `[${testId}]` : cls} "${text}"`;
    };
    const visible = (el: El) => {
      const rect = el.getBoundingClientRect();
      if (rect.width < 2 || rect.height < 2) return false;
      const style = win.getComputedStyle(el);
      if (style.visibility === 'hidden' || style.display === 'none') return false;
      if (el.closest('[hidden], .visually-hidden, svg, option, select')) return false;
      // The content of a closed <details> keeps a box in Chromium but is not shown.
      const details = el.closest('details:not([open])');
      return !details || Boolean(el.closest('summary'));
    };
    const scrolls = (el: El) => {
      for (let e = el; e && e !== doc.body; e = e.parentElement) {
        const style = win.getComputedStyle(e);
        if (['auto', 'scroll'].includes(style.overflowX)) return true;
        if (['INPUT', 'TEXTAREA', 'SELECT'].includes(e.tagName)) return true;
      }
      return false;
    };

    const root = doc.documentElement;
    if (root.scrollWidth > root.clientWidth + 1) {
      const wide = (Array.from(doc.body.querySelectorAll('*')) as El[])
        .filter((el) => visible(el) && el.getBoundingClientRect().right > root.clientWidth + 1)
        .slice(-3)
        .map(name);
      faults.push(`page-overflow: ${root.scrollWidth}px in ${root.clientWidth}px (${wide.join(', ')})`);
    }

    for (const el of Array.from(doc.body.querySelectorAll('*')) as El[]) {
      if (!visible(el) || scrolls(el)) continue;
      const display = win.getComputedStyle(el).display;
      if (display === 'inline' || display === 'contents') continue;
      const ownText = (Array.from(el.childNodes) as El[]).some(
        (n) => n.nodeType === 3 && n.textContent.trim(),
      );
      if (!ownText && !['BUTTON', 'LABEL', 'LEGEND', 'SUMMARY'].includes(el.tagName)) continue;
      if (el.scrollWidth > el.clientWidth + 1)
        faults.push(`clipped: ${name(el)} ${el.scrollWidth}px in ${el.clientWidth}px`);
    }

    const interactive = (
      Array.from(
        doc.body.querySelectorAll(
          'a[href], button, input, select, textarea, summary, [role="button"], [tabindex="0"]',
        ),
      ) as El[]
    ).filter(visible);
    const rects = interactive.map((el) => el.getBoundingClientRect() as R);
    for (let i = 0; i < interactive.length; i++) {
      for (let j = i + 1; j < interactive.length; j++) {
        const a = rects[i]!;
        const b = rects[j]!;
        const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
        const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
        if (
          w > 1 &&
          h > 1 &&
          !interactive[i].contains(interactive[j]) &&
          !interactive[j].contains(interactive[i])
        ) {
          faults.push(`overlap: ${name(interactive[i])} and ${name(interactive[j])}`);
        }
      }
    }

    /** The box of a label's own text (a wrapping label also holds its control). */
    const textBox = (label: El): R | null => {
      const range = doc.createRange();
      const boxes: R[] = [];
      for (const node of Array.from(label.childNodes) as El[]) {
        if (
          node.nodeType !== 3 &&
          !(node.nodeType === 1 && !['INPUT', 'SELECT', 'TEXTAREA'].includes(node.tagName))
        )
          continue;
        if (!node.textContent.trim()) continue;
        range.selectNodeContents(node);
        boxes.push(range.getBoundingClientRect());
      }
      if (boxes.length === 0) return null;
      const left = Math.min(...boxes.map((b) => b.left));
      const right = Math.max(...boxes.map((b) => b.right));
      const top = Math.min(...boxes.map((b) => b.top));
      const bottom = Math.max(...boxes.map((b) => b.bottom));
      return { left, right, top, bottom, width: right - left, height: bottom - top };
    };
    const pairs: Array<[El, El]> = [];
    for (const label of Array.from(doc.body.querySelectorAll('label')) as El[]) {
      const control = label.htmlFor
        ? doc.getElementById(label.htmlFor)
        : label.querySelector('input, select, textarea');
      if (control && visible(label) && visible(control)) pairs.push([label, control]);
    }
    for (const [label, control] of pairs) {
      const l = textBox(label);
      if (!l) continue;
      const c = control.getBoundingClientRect() as R;
      const sameRow =
        Math.min(l.bottom, c.bottom) - Math.max(l.top, c.top) > 0 &&
        (c.left >= l.right ? c.left - l.right : l.left >= c.right ? l.left - c.right : 0) <= gap;
      const above =
        l.bottom <= c.top + 2 &&
        c.top - l.bottom <= gap &&
        Math.min(l.right, c.right) - Math.max(l.left, c.left) > 0;
      if (!sameRow && !above) faults.push(`label-far: ${name(label)} from its ${name(control)}`);
    }
    const labels = (Array.from(doc.body.querySelectorAll('label, legend')) as El[]).filter(visible);
    for (const label of labels) {
      // A wrapping label's box holds its control: measure its text; any other label by its box.
      const wraps = !label.htmlFor && label.querySelector('input, select, textarea');
      const l = (wraps ? textBox(label) : null) ?? (label.getBoundingClientRect() as R);
      const own = label.htmlFor ? doc.getElementById(label.htmlFor) : null;
      for (let i = 0; i < interactive.length; i++) {
        const el = interactive[i];
        if (
          el === own ||
          label.contains(el) ||
          (label.tagName === 'LEGEND' && label.parentElement?.contains(el))
        )
          continue;
        const c = rects[i]!;
        const w = Math.min(l.right, c.right + 2) - Math.max(l.left, c.left - 2);
        const h = Math.min(l.bottom, c.bottom + 2) - Math.max(l.top, c.top - 2);
        if (w > 0 && h > 0) faults.push(`label-cramped: ${name(label)} against ${name(el)}`);
      }
    }
    return faults;
  }, GAP);
}
