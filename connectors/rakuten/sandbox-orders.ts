/**
 * The sandbox's orders: the seeded scenario R1–R10 the demo and the end-to-end tests depend on,
 * and a seeded generator of extra orders for volume tests. Keep the scenario's codes, names,
 * option texts and units exactly as they are: tests and the demo assert on them.
 */
import type { OrderModel } from './schemas.js';
import { SANDBOX_PEOPLE, SANDBOX_PRODUCTS, type SandboxPerson, type SandboxProduct } from './sandbox-catalog.js';
import { buildSandboxOrder, type SandboxPackageInput } from './sandbox-build.js';
import { seededRandom } from '../shared/seeded-random.js';

export * from './sandbox-catalog.js';
export * from './sandbox-build.js';

const HOUR = 3_600_000;
const DAY = 86_400_000;

/** Labels of the seeded scenario orders. */
export type ScenarioLabel = 'R1' | 'R2' | 'R3' | 'R4' | 'R5' | 'R6' | 'R7' | 'R8' | 'R9' | 'R10';

/**
 * The seeded scenario (serials 1–10), ordered 46 h … 10 h before `now` (4 h apart):
 * R1 tea ×3; R2 CAP01 post-migration (CAP01bm); R3 CAP01rm pre-migration; R4 TOWEL-SET;
 * R5 hanky without merchantDefinedSkuId ×2; R6 two packages (tea ×1 to 佐藤 一郎 in 大阪, hanky
 * with a trailing space to 鈴木 花子 in 東京); R7 hanky with full-width ２５; R8 福袋 without any
 * code; R9 tea in 100 (waiting for confirmation); R10 tea in 900 (cancelled).
 */
export function scenarioOrders(now: Date): Array<{ label: ScenarioLabel; order: OrderModel }> {
  const P = SANDBOX_PRODUCTS;
  const H = SANDBOX_PEOPLE;
  const at = (hoursAgo: number) => new Date(now.getTime() - hoursAgo * HOUR);
  const one = (serial: number, orderProgress: OrderModel['orderProgress'], who: SandboxPerson, product: SandboxProduct, units: number) =>
    buildSandboxOrder({ serial, orderProgress, orderedAt: at(50 - serial * 4), orderer: who, packages: [{ sender: who, lines: [{ product, units }] }] });
  return [
    { label: 'R1', order: one(1, 300, H.yamada, P.tea, 3) },
    { label: 'R2', order: one(2, 300, H.tanaka, P.capBlackM, 1) },
    { label: 'R3', order: one(3, 300, H.takahashi, P.capRedMPre, 1) },
    { label: 'R4', order: one(4, 300, H.ito, P.towel, 1) },
    { label: 'R5', order: one(5, 300, H.watanabe, P.hanky, 2) },
    {
      label: 'R6',
      order: buildSandboxOrder({
        serial: 6,
        orderProgress: 300,
        orderedAt: at(26),
        orderer: H.sato,
        packages: [
          { sender: H.sato, lines: [{ product: P.tea, units: 1 }] },
          { sender: H.suzuki, lines: [{ product: P.hankyTrailingSpace, units: 1 }] },
        ],
      }),
    },
    { label: 'R7', order: one(7, 300, H.kobayashi, P.hankyFullWidth, 1) },
    { label: 'R8', order: one(8, 300, H.kato, P.fukubukuro, 1) },
    { label: 'R9', order: one(9, 100, H.yoshida, P.tea, 1) },
    { label: 'R10', order: one(10, 900, H.yamamoto, P.tea, 1) },
  ];
}

// ------------------------------------------------------------------------------ generator


/** The first serial of generated orders (the scenario uses 1–10). */
export const FIRST_EXTRA_SERIAL = 10_001;

/**
 * `count` extra orders, all in 300, from `seed`: 1–3 lines of the scenario's products (units
 * 1–3), about one in five with two packages, ordered at random seconds over the `spanDays`
 * before `now`. Serials from `firstSerial` (default {@link FIRST_EXTRA_SERIAL}).
 */
export function generateOrders(count: number, seed: number, now: Date, spanDays: number, firstSerial = FIRST_EXTRA_SERIAL): OrderModel[] {
  const rnd = seededRandom(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;
  const products = Object.values(SANDBOX_PRODUCTS);
  const people = Object.values(SANDBOX_PEOPLE);
  const out: OrderModel[] = [];
  for (let i = 0; i < count; i++) {
    const lineCount = 1 + Math.floor(rnd() * 3);
    const lines = Array.from({ length: lineCount }, () => ({ product: pick(products), units: 1 + Math.floor(rnd() * 3) }));
    const buyer = pick(people);
    const split = lineCount > 1 && rnd() < 0.2;
    const packages: SandboxPackageInput[] = split
      ? [
          { sender: buyer, lines: lines.slice(0, 1) },
          { sender: pick(people), lines: lines.slice(1) },
        ]
      : [{ sender: buyer, lines }];
    const orderedAt = new Date(now.getTime() - Math.floor(rnd() * spanDays * DAY));
    out.push(buildSandboxOrder({ serial: firstSerial + i, orderProgress: 300, orderedAt, orderer: buyer, packages }));
  }
  return out;
}
