import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readSheet } from '../../mappings/sheet-reader.js';
import type { SheetCell } from '../../mappings/sheet-reader-cells.js';
import { writeUnmappedFile } from '../../pipelines/orders/unmapped-file.js';
import type { UnmappedLine } from '../../pipelines/orders/unmapped.js';

/**
 * The unmapped list is a sheet the seller fills in and imports: every text must come back from
 * the sheet reader exactly as the marketplace wrote it, formula-like ones included.
 */
const line = (productName: string, optionText: string): UnmappedLine => ({
  seller: 's', mall: 'rakuten', shopId: 1, mallOrderId: '387654-20261129-0000000001', mallLineId: '1', sellerCode: null,
  productName, optionText, quantity: 1, reasonKind: 'name_not_registered', reason: 'not registered', suggestions: [],
});

describe('orders unmapped --out', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'unmapped-file-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const texts: Array<[string, string]> = [
    ['-セール品- タオル', '=カラー:赤'],
    ['+1 증정 머그', '@한정'],
    ['【送料無料】ハンカチ', 'カラー:ピンク\nサイズ:25cm'],
  ];

  test.each(['xlsx', 'csv'])('%s: texts read back exactly, formula-like ones included', async (ext) => {
    const file = path.join(dir, `unmapped.${ext}`);
    await writeUnmappedFile(file, texts.map(([n, o]) => line(n, o)));
    const rows: Array<[string, string]> = [];
    const text = (c: SheetCell | undefined) => (c && 'text' in c ? c.text : '');
    for await (const r of readSheet(file)) {
      if (r.row === 1) continue;
      rows.push([text(r.cells[1]), text(r.cells[2])]);
    }
    expect(rows).toEqual(texts);
  });
});
