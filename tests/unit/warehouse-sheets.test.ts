/**
 * Warehouse sheets (design.md §4a): `shipped_at` read as KST when it has no offset, whether typed
 * or an Excel date-time cell, and refused when far from now; `on_hand` limits said as limits.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { parseShippedAt, SHIPMENT_COLUMNS, SHIPMENT_RULES, shippedAtProblem, toShipmentRow } from '../../mappings/warehouse-sheets.js';
import { validateSheet } from '../../pipelines/sheets/validate-sheet.js';

const utc = (text: string) => parseShippedAt(text)?.toISOString();

describe('shipped_at', () => {
  test('a date is 00:00 KST; a date and time without an offset is KST wall-clock time; an offset is honoured', () => {
    expect(utc('2025-03-04')).toBe('2025-03-03T15:00:00.000Z');
    expect(utc('2025-03-04 09:58')).toBe('2025-03-04T00:58:00.000Z');
    expect(utc('2025-03-04 09:58:30')).toBe('2025-03-04T00:58:30.000Z');
    expect(utc('2025-03-04T09:58:30.250')).toBe('2025-03-04T00:58:30.250Z'); // an Excel date-time cell as the reader gives it
    expect(utc('2025-03-04T09:58:00+09:00')).toBe('2025-03-04T00:58:00.000Z');
    expect(utc('2025-03-04T00:58:00Z')).toBe('2025-03-04T00:58:00.000Z');
  });

  test('what is not a time is refused: impossible dates and times, a time alone, other shapes', () => {
    for (const text of ['2025-02-30', '2025-02-30 10:00', '2025-03-04 24:00', '2025-03-04 09:60', '13:45:00', '2025/03/04 09:58', '2025-03-04 9:58', 'yesterday']) {
      expect([text, parseShippedAt(text)]).toEqual([text, undefined]);
    }
  });

  test('more than a day ahead or more than two years back is a problem, with the time in KST', () => {
    const now = new Date('2025-03-05T00:00:00Z'); // 09:00 KST
    expect(shippedAtProblem(new Date('2025-03-05T23:59:00Z'), now)).toBeUndefined();
    expect(shippedAtProblem(new Date('2025-03-06T00:01:00Z'), now)).toBe('2025-03-06 09:01 KST is in the future (more than a day after now, 2025-03-05 09:00 KST); give the time the parcel left the warehouse');
    expect(shippedAtProblem(new Date('2023-03-07T00:00:00Z'), now)).toBeUndefined();
    expect(shippedAtProblem(new Date('2023-03-05T00:00:00Z'), now)).toBe('2023-03-05 09:00 KST is more than 2 years ago; check the year');
  });

  test('an Excel date-time cell and a date cell in shipped_at are read as KST', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mb-ship-'));
    try {
      const file = join(dir, 'ship.xlsx');
      const wb = new ExcelJS.Workbook();
      const ws = wb.addWorksheet('출고');
      ws.addRow(['송장번호', '주문번호', '출고일']);
      ws.addRow(['T-1', 'O-1', new Date(Date.UTC(2025, 2, 4, 9, 58))]); // Excel shows 2025-03-04 09:58
      ws.addRow(['T-2', 'O-2', new Date(Date.UTC(2025, 2, 4))]);
      ws.getColumn(3).numFmt = 'yyyy-mm-dd hh:mm';
      await wb.xlsx.writeFile(file);
      const sheet = await validateSheet(file, 'ship.xlsx', SHIPMENT_COLUMNS, SHIPMENT_RULES, toShipmentRow);
      expect(sheet.issues).toEqual([]);
      expect(sheet.rows.map((r) => r.shipped_at?.toISOString())).toEqual(['2025-03-04T00:58:00.000Z', '2025-03-03T15:00:00.000Z']);
      expect(sheet.sheet).toBe('출고');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
