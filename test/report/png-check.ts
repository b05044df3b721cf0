import {PNG} from 'pngjs';

/** What a reviewer checks first about a rendered plot: it decodes, has a size, and has ink. */
export interface PngFacts {
  readonly width: number;
  readonly height: number;
  /** Pixels that are not (near) white: axes, marks and text. */
  readonly inked: number;
  /** Fraction of pixels that are inked. */
  readonly inkRatio: number;
  /** Top-left pixel, which should be the white background. */
  readonly corner: readonly [number, number, number, number];
}

/** Decodes a PNG (throws on a corrupt file) and counts non-white pixels. */
export function inspectPng(bytes: Buffer): PngFacts {
  const png = PNG.sync.read(bytes);
  let inked = 0;
  const data = png.data;
  for (let i = 0; i < data.length; i += 4) {
    const [r, g, b, a] = [data[i] ?? 0, data[i + 1] ?? 0, data[i + 2] ?? 0, data[i + 3] ?? 0];
    if (a > 0 && (r < 240 || g < 240 || b < 240)) inked++;
  }
  const corner = [data[0] ?? 0, data[1] ?? 0, data[2] ?? 0, data[3] ?? 0] as const;
  return {
    width: png.width,
    height: png.height,
    inked,
    inkRatio: inked / (png.width * png.height),
    corner,
  };
}
