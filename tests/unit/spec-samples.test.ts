import { shapeDifferences, specSamples } from '../helpers/spec-samples.js';

describe('spec sample extraction (the contract tests read the specs themselves)', () => {
  test('finds the Naver detail sample and the Rakuten getOrder sample', () => {
    const naver = specSamples('naver-commerce-api.md', '### 10.3');
    expect((naver[0] as { data: unknown[] }).data).toHaveLength(1);
    const rakuten = specSamples('rakuten-rms-api.md', '### 7.6');
    expect(rakuten).toHaveLength(1);
  });

  test('shapeDifferences names missing fields, wrong types and extra fields', () => {
    const sample = { a: 1, b: { c: 'x' }, d: [{ e: true }], n: null };
    expect(shapeDifferences(sample, { a: 2, b: { c: 'y' }, d: [{ e: false }], n: 5 })).toEqual([]);
    expect(shapeDifferences(sample, { a: '2', b: {}, d: [{ e: 1 }], n: null, z: 1 })).toEqual([
      'a: expected number, got string',
      'b.c: missing',
      'd[].e: expected boolean, got number',
      'z: not in the spec\'s sample',
    ]);
  });
});
