import { packStockBatches, planStockRows, rowOfPath } from '../../connectors/rakuten/write-stock.js';
import type { StockTarget } from '../../connectors/shared/exports.js';

const t = (listingProductId: string, listingOptionId: string, quantity: number): StockTarget => ({ listingProductId, listingOptionId, quantity });

describe('planStockRows (spec §5.2)', () => {
  test('absolute rows; quantities floored and clamped to 0–99999 with a note', () => {
    const { rows, settled } = planStockRows([t('cap01', 'r-sku00000004', 5), t('tea-001', 'tea-001', 120_000), t('towel', 'towel', -3), t('hanky', 'h1', 2.7)]);
    expect(settled.size).toBe(0);
    expect(rows.map((r) => r.row)).toEqual([
      { manageNumber: 'cap01', variantId: 'r-sku00000004', mode: 'ABSOLUTE', quantity: 5 },
      { manageNumber: 'tea-001', variantId: 'tea-001', mode: 'ABSOLUTE', quantity: 99_999 },
      { manageNumber: 'towel', variantId: 'towel', mode: 'ABSOLUTE', quantity: 0 },
      { manageNumber: 'hanky', variantId: 'h1', mode: 'ABSOLUTE', quantity: 2 },
    ]);
    expect(rows[0]!.notes).toEqual([]);
    expect(rows[1]!.notes[0]).toBe('quantity 120000 sent as 99999 (Rakuten takes whole numbers 0–99999)');
    expect(rows[2]!.notes[0]).toContain('sent as 0');
  });

  test('no variantId (pre-migration listing) or no number: failed, permanent, not sent', () => {
    const { rows, settled } = planStockRows([t('cap01', '', 1), t(' ', 'x', 1), t('cap01', 'x', Number.NaN)]);
    expect(rows).toEqual([]);
    expect([...settled.values()].map((o) => [o.outcome, o.permanent])).toEqual([
      ['failed', true],
      ['failed', true],
      ['failed', true],
    ]);
    expect(settled.get(0)!.message).toContain('has no variantId');
  });

  test('the same listing twice (manageNumber case folded, as Rakuten stores it) is sent once with the last quantity', () => {
    const { rows } = planStockRows([t('CAP01', 'v1', 3), t('tea-001', 'tea-001', 1), t('cap01', 'v1', 7)]);
    expect(rows.map((r) => [r.row.manageNumber, r.row.quantity, r.targets])).toEqual([
      ['tea-001', 1, [1]],
      ['cap01', 7, [0, 2]],
    ]);
    expect(rows[1]!.notes.at(-1)).toContain('given 2 times');
  });
});

describe('packStockBatches', () => {
  test('≤ size rows per request; rows whose keys differ only in case never share one (IE1102 UNCERTAIN)', () => {
    const { rows } = planStockRows([t('a', 'V1', 1), t('a', 'v1', 2), t('b', 'x', 3), t('c', 'x', 4), t('d', 'x', 5)]);
    const batches = packStockBatches(rows, 2);
    expect(batches.map((b) => b.map((r) => `${r.row.manageNumber}/${r.row.variantId}`))).toEqual([
      ['a/V1', 'b/x'],
      ['a/v1', 'c/x'],
      ['d/x'],
    ]);
    expect(packStockBatches(planStockRows(Array.from({ length: 901 }, (_, i) => t(`m${i}`, 'v', 1))).rows, 400).map((b) => b.length)).toEqual([400, 400, 101]);
  });

  test('rowOfPath reads inventories[i] from metadata.propertyPath', () => {
    expect(rowOfPath('inventories[1]')).toBe(1);
    expect(rowOfPath('inventories[12].quantity')).toBe(12);
    expect(rowOfPath('inventories')).toBeNull();
    expect(rowOfPath(undefined)).toBeNull();
  });
});
