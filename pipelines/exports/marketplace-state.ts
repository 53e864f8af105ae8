import type { StoredLine } from '../../data/stores/order-lines.js';
import type { Mall } from '../../lib/errors.js';

/**
 * Whether the marketplace counts this line as confirmed by the seller (design.md §5): Naver
 * 발주확인 done (`placeOrderStatus` OK); Rakuten past 注文確認待ち (200 楽天処理中 or 300 発送待ち).
 */
export function confirmedAtMarketplace(mall: Mall, line: Pick<StoredLine, 'mallStatus'>): boolean {
  if (mall === 'naver') return line.mallStatus.endsWith('/OK');
  return line.mallStatus === '200' || line.mallStatus === '300';
}

/** Whether the line waits for the seller's confirmation at the marketplace (Naver NOT_YET, Rakuten 100). */
export function needsConfirmation(mall: Mall, line: Pick<StoredLine, 'mallStatus'>): boolean {
  if (mall === 'naver') return line.mallStatus.endsWith('/NOT_YET');
  return line.mallStatus === '100';
}

/** Whether the marketplace lets this line ship now: confirmed and awaiting shipment (Rakuten only from 300). */
export function readyToShip(mall: Mall, line: Pick<StoredLine, 'mallStatus' | 'lineState'>): boolean {
  if (line.lineState !== 'awaiting') return false;
  return mall === 'naver' ? line.mallStatus.endsWith('/OK') : line.mallStatus === '300';
}
