// The subset of opentype.js (which ships no types) that text-metrics.ts uses.
declare module 'opentype.js' {
  export interface Glyph {
    readonly advanceWidth?: number;
  }
  export interface Font {
    readonly unitsPerEm: number;
    charToGlyph(char: string): Glyph;
    getKerningValue(left: Glyph, right: Glyph): number;
  }
  export function parse(buffer: ArrayBuffer): Font;
  const opentype: {parse: typeof parse};
  export default opentype;
}
