import {existsSync, readdirSync} from 'node:fs';
import {join} from 'node:path';

/** The fonts the rasteriser loads explicitly, so CI machines draw the same text as laptops. */
export interface PlotFonts {
  /** Font files to load; empty when none of the known families is installed. */
  readonly files: readonly string[];
  /** The family plots are drawn in (also the SVG's sans-serif fallback). */
  readonly family: string;
}

/**
 * Known sans-serif families in order of preference, with the file names they ship as. DejaVu
 * (Debian's fonts-dejavu-core) comes first: it is on most Linux CI images and covers ▲▼ and —.
 */
const FAMILIES: readonly {family: string; regular: string; bold: string}[] = [
  {family: 'DejaVu Sans', regular: 'DejaVuSans.ttf', bold: 'DejaVuSans-Bold.ttf'},
  {
    family: 'Liberation Sans',
    regular: 'LiberationSans-Regular.ttf',
    bold: 'LiberationSans-Bold.ttf',
  },
  {family: 'Lato', regular: 'Lato-Regular.ttf', bold: 'Lato-Bold.ttf'},
  {family: 'Arial', regular: 'Arial.ttf', bold: 'Arial Bold.ttf'},
];

const FONT_DIRS = [
  '/usr/share/fonts',
  '/usr/local/share/fonts',
  '/Library/Fonts',
  '/System/Library/Fonts/Supplemental',
  'C:\\Windows\\Fonts',
];

let found: PlotFonts | undefined;

/** Finds the first installed family of FAMILIES (searched once per process). */
export function plotFonts(extraDirs: readonly string[] = []): PlotFonts {
  if (found && extraDirs.length === 0) return found;
  const index = new Map<string, string>();
  for (const dir of [...extraDirs, ...FONT_DIRS]) indexFonts(dir, index, 4);
  let result: PlotFonts = {files: [], family: 'sans-serif'};
  for (const candidate of FAMILIES) {
    const regular = index.get(candidate.regular);
    if (!regular) continue;
    const bold = index.get(candidate.bold);
    result = {files: bold ? [regular, bold] : [regular], family: candidate.family};
    break;
  }
  if (extraDirs.length === 0) found = result;
  return result;
}

function indexFonts(dir: string, index: Map<string, string>, depth: number): void {
  if (depth < 0 || !existsSync(dir)) return;
  let entries;
  try {
    entries = readdirSync(dir, {withFileTypes: true});
  } catch {
    return; // an unreadable font folder is not worth failing a report over
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) indexFonts(path, index, depth - 1);
    else if (!index.has(entry.name)) index.set(entry.name, path);
  }
}
