import type { FrameLocator } from 'playwright-core';

export interface ContrastReading {
  text: string;
  classes: string;
  color: string;
  background: string;
  ratio: number;
}

/**
 * WCAG 2 contrast of the text of every element matching `selector` in the panel against what is really behind
 * it: the element's own background, composited over its ancestors' (a transparent chip shows the card's colour).
 * Runs in the webview, on computed styles, so it measures what the theme produced, not what the CSS meant.
 */
export async function contrastOf(panel: FrameLocator, selector: string): Promise<ContrastReading[]> {
  return panel.locator('body').evaluate((body, sel) => {
    type Rgba = [number, number, number, number];
    const parse = (c: string): Rgba | undefined => {
      const rgb = /rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?\)/.exec(c);
      if (rgb) return [Number(rgb[1]), Number(rgb[2]), Number(rgb[3]), rgb[4] === undefined ? 1 : Number(rgb[4])];
      const srgb = /color\(srgb ([\d.]+) ([\d.]+) ([\d.]+)(?: \/ ([\d.]+))?\)/.exec(c);
      if (srgb) return [Number(srgb[1]) * 255, Number(srgb[2]) * 255, Number(srgb[3]) * 255, srgb[4] === undefined ? 1 : Number(srgb[4])];
      return undefined;
    };
    const over = (top: Rgba, below: Rgba): Rgba => {
      const a = top[3] + below[3] * (1 - top[3]);
      if (a === 0) return [0, 0, 0, 0];
      const mix = (i: number) => (top[i]! * top[3] + below[i]! * below[3] * (1 - top[3])) / a;
      return [mix(0), mix(1), mix(2), a];
    };
    const pageBackground = (): Rgba => {
      const v = getComputedStyle(document.documentElement).getPropertyValue('--vscode-editor-background').trim();
      const probe = document.createElement('span');
      probe.style.color = v || 'white';
      body.append(probe);
      const c = parse(getComputedStyle(probe).color) ?? [255, 255, 255, 1];
      probe.remove();
      return c;
    };
    const behind = (el: Element | null): Rgba => {
      const layers: Rgba[] = [];
      for (let e = el; e; e = e.parentElement) {
        const c = parse(getComputedStyle(e).backgroundColor);
        if (c && c[3] > 0) layers.push(c);
        if (c && c[3] >= 1) break;
      }
      let acc: Rgba = layers.length && layers[layers.length - 1]![3] >= 1 ? layers.pop()! : pageBackground();
      while (layers.length) acc = over(layers.pop()!, acc);
      return acc;
    };
    const luminance = ([r, g, b]: Rgba) => {
      const lin = (v: number) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
      return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
    };
    return Array.from(document.querySelectorAll(sel))
      .filter((el) => (el as HTMLElement).offsetParent !== null && (el.textContent ?? '').trim() !== '')
      .map((el) => {
        const bg = behind(el);
        const fg = over(parse(getComputedStyle(el).color) ?? [0, 0, 0, 1], bg);
        const [l1, l2] = [luminance(fg), luminance(bg)].sort((a, b) => b - a) as [number, number];
        return {
          text: (el.textContent ?? '').trim().slice(0, 40),
          classes: el.className,
          color: getComputedStyle(el).color,
          background: `rgb(${bg.slice(0, 3).map(Math.round).join(', ')})`,
          ratio: Math.round(((l1 + 0.05) / (l2 + 0.05)) * 100) / 100,
        };
      });
  }, selector);
}
