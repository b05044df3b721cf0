const NAMED: Record<string, string> = {amp: '&', lt: '<', gt: '>', quot: '"', apos: "'"};

/** Decodes XML character and entity references (`&amp;`, `&#233;`, `&#x1F600;`). */
export function decodeXmlText(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (whole, ref: string) => {
    if (ref.startsWith('#x')) return String.fromCodePoint(parseInt(ref.slice(2), 16));
    if (ref.startsWith('#')) return String.fromCodePoint(parseInt(ref.slice(1), 10));
    return NAMED[ref] ?? whole;
  });
}

/**
 * The text of a string item (`<si>` or `<is>` body): the concatenated `<t>` elements, leaving out
 * phonetic runs (`<rPh>`), as Excel displays it.
 */
export function stringItemText(xml: string): string {
  const body = xml.includes('<rPh') ? xml.replace(/<rPh[\s\S]*?<\/rPh>/g, '') : xml;
  let out = '';
  let p = 0;
  for (;;) {
    const open = body.indexOf('<t', p);
    if (open < 0) break;
    const after = body.charCodeAt(open + 2);
    // `<t>` or `<t xml:space=...>`, not `<tag...>`.
    if (after !== 62 && after !== 32) {
      p = open + 2;
      continue;
    }
    const gt = body.indexOf('>', open);
    if (body.charCodeAt(gt - 1) === 47) {
      p = gt + 1;
      continue;
    }
    const close = body.indexOf('</t>', gt);
    out += body.slice(gt + 1, close);
    p = close + 4;
  }
  return decodeXmlText(out);
}
