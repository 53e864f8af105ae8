/**
 * `xl/sharedStrings.xml` → the workbook's string table. exceljs 4.4 resets its text at every
 * `<t>`, so the phonetic reading Japanese Excel writes after a kanji string
 * (`<si><t>山田</t><rPh sb="0" eb="2"><t>ヤマダ</t></rPh><phoneticPr fontId="1"/></si>`) replaces
 * it: 山田 came back as ヤマダ. Here the text of an item is its `<t>` or its rich-text runs
 * (`<r><t>…</t></r>`) joined; `<rPh>` readings and `<phoneticPr>` are ignored.
 */
import { SaxesParser } from 'saxes';
import { normaliseLineBreaks } from './sheet-reader-cells.js';
import { SheetFileProblem } from './sheet-reader-errors.js';
import { EXCEL_MAX_CELL_CHARS, MAX_CELL_XML_CHARS, saxPendingChars, saxSlices, sharedStringTooLong } from './xlsx-limits.js';
import { decodeOoxmlEscapes } from './xlsx-values.js';

/** Local name of an element (`x:si` → `si`): some writers prefix the main namespace. */
export function localName(name: string): string {
  const colon = name.indexOf(':');
  return colon < 0 ? name : name.slice(colon + 1);
}

/**
 * Parses the shared-string table from decoded XML text, in order: escapes decoded, line breaks
 * normalised to `\n`, nothing else changed. Throws {@link SheetFileProblem} on malformed XML, and
 * on a string longer than Excel's cell limit (refused as it is read, not once gathered).
 */
export async function parseSharedStrings(xml: AsyncIterable<string>): Promise<string[]> {
  const strings: string[] = [];
  const parser = new SaxesParser({ xmlns: false, position: false });
  let inItem = false;
  let phonetic = 0; // depth inside <rPh>
  let inText = false;
  let text = '';

  parser.on('opentag', (node) => {
    switch (localName(node.name)) {
      case 'si':
        inItem = true;
        phonetic = 0;
        text = '';
        break;
      case 'rPh':
        if (!node.isSelfClosing) phonetic++;
        break;
      case 't':
        inText = inItem && phonetic === 0 && !node.isSelfClosing;
        break;
    }
  });
  const onText = (value: string): void => {
    if (inText) text += value;
  };
  parser.on('text', onText);
  parser.on('cdata', onText);
  parser.on('closetag', (node) => {
    switch (localName(node.name)) {
      case 't':
        inText = false;
        break;
      case 'rPh':
        if (!node.isSelfClosing) phonetic--;
        break;
      case 'si': {
        const item = normaliseLineBreaks(decodeOoxmlEscapes(text));
        if (item.length > EXCEL_MAX_CELL_CHARS) throw sharedStringTooLong(strings.length + 1);
        strings.push(item);
        inItem = false;
        text = '';
        break;
      }
    }
  });

  try {
    for await (const chunk of xml) {
      for (const slice of saxSlices(chunk)) {
        parser.write(slice);
        if (text.length + saxPendingChars(parser) > MAX_CELL_XML_CHARS) throw sharedStringTooLong(strings.length + 1);
      }
    }
    parser.close();
  } catch (err) {
    if (err instanceof SheetFileProblem) throw err;
    throw new SheetFileProblem(
      `The workbook's shared strings are not well-formed XML (${(err as Error).message}); the file looks damaged. ` +
        'Open it in Excel and save it again as .xlsx.',
      { cause: err },
    );
  }
  return strings;
}
