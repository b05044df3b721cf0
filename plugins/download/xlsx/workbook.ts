import {findEntry, readEntryText, type ZipArchive, type ZipEntry} from '../zip-archive.js';
import {stringItemText} from './xml-text.js';

/** Where the first worksheet and its strings live inside an .xlsx, and its date system. */
export interface WorkbookParts {
  readonly sheet: ZipEntry;
  readonly sharedStrings: readonly string[];
  /** Excel serial of 1970-01-01 (25569, or 24107 in the 1904 date system). */
  readonly unixEpochSerial: number;
}

/** Finds the first sheet through the workbook relationships, and loads the shared strings. */
export async function readWorkbookParts(zip: ZipArchive, label: string): Promise<WorkbookParts> {
  const unreadable = (detail: string): Error =>
    new Error(
      `download: unreadable .xlsx ${label}: ${detail}. Re-save it from a spreadsheet program, or export it as .csv.`,
    );
  const rootRels = findEntry(zip, '_rels/.rels');
  let workbookPath = 'xl/workbook.xml';
  if (rootRels) {
    const target = relationshipTargets(await readEntryText(zip, rootRels)).find((r) =>
      r.type.endsWith('/officeDocument'),
    );
    if (target) workbookPath = resolvePart('', target.target);
  }
  const workbookEntry = findEntry(zip, workbookPath);
  if (!workbookEntry) throw unreadable(`no workbook part (${workbookPath})`);
  const workbook = await readEntryText(zip, workbookEntry);
  const dir = workbookPath.includes('/')
    ? workbookPath.slice(0, workbookPath.lastIndexOf('/') + 1)
    : '';
  const relsEntry = findEntry(zip, `${dir}_rels/${workbookPath.slice(dir.length)}.rels`);
  const rels = relsEntry ? relationshipTargets(await readEntryText(zip, relsEntry)) : [];

  const firstSheet =
    /<sheet\b[^>]*?\br:id="([^"]+)"/.exec(workbook) ??
    /<sheet\b[^>]*?\bid="([^"]+)"/.exec(workbook);
  const sheetRel = rels.find((r) => r.id === firstSheet?.[1]);
  const sheetPath = sheetRel ? resolvePart(dir, sheetRel.target) : `${dir}worksheets/sheet1.xml`;
  const sheet = findEntry(zip, sheetPath);
  if (!sheet) throw unreadable(`no worksheet part (${sheetPath})`);

  const sstRel = rels.find((r) => r.type.endsWith('/sharedStrings'));
  const sstEntry = findEntry(
    zip,
    sstRel ? resolvePart(dir, sstRel.target) : `${dir}sharedStrings.xml`,
  );
  const sharedStrings = sstEntry ? parseSharedStrings(await readEntryText(zip, sstEntry)) : [];

  const date1904 = /<workbookPr\b[^>]*\bdate1904="(1|true)"/.test(workbook);
  return {sheet, sharedStrings, unixEpochSerial: date1904 ? 24107 : 25569};
}

function parseSharedStrings(xml: string): string[] {
  const out: string[] = [];
  let p = 0;
  for (;;) {
    const open = xml.indexOf('<si', p);
    if (open < 0) return out;
    const gt = xml.indexOf('>', open);
    if (xml.charCodeAt(gt - 1) === 47) {
      out.push('');
      p = gt + 1;
      continue;
    }
    const close = xml.indexOf('</si>', gt);
    out.push(stringItemText(xml.slice(gt + 1, close)));
    p = close + 5;
  }
}

interface Relationship {
  readonly id: string;
  readonly type: string;
  readonly target: string;
}

function relationshipTargets(xml: string): Relationship[] {
  const out: Relationship[] = [];
  for (const match of xml.matchAll(/<Relationship\b([^>]*)\/?>/g)) {
    const attrs = match[1] ?? '';
    const get = (name: string): string => new RegExp(`\\b${name}="([^"]*)"`).exec(attrs)?.[1] ?? '';
    out.push({id: get('Id'), type: get('Type'), target: get('Target')});
  }
  return out;
}

/** Relationship targets are relative to the part's folder, or absolute from the package root. */
function resolvePart(dir: string, target: string): string {
  if (target.startsWith('/')) return target.slice(1);
  const parts = `${dir}${target}`.split('/');
  const out: string[] = [];
  for (const part of parts) {
    if (part === '..') out.pop();
    else if (part !== '.' && part !== '') out.push(part);
  }
  return out.join('/');
}
