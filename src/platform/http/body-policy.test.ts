import { describe, expect, it } from 'vitest';
import { assertCleanText } from './clean-text';
import { JsonShapeScanner, assertJsonShape } from './body-policy';

const limits = { maxDepth: 3, maxValues: 5 };

describe('JSON shape scanner', () => {
  it('counts depth outside strings only, escaped quotes included', () => {
    expect(() => assertJsonShape('[[[1]]]', limits)).not.toThrow();
    expect(() => assertJsonShape('[[[[1]]]]', limits)).toThrow(/deeper than 3/);
    expect(() => assertJsonShape(JSON.stringify(['\\"[[[[[[', '{{{{']), limits)).not.toThrow();
    expect(() => assertJsonShape('[1,2,3,4,5]', limits)).not.toThrow();
    expect(() => assertJsonShape('[1,2,3,4,5,6]', limits)).toThrow(/more than 5 values/);
  });

  it('keeps its state across chunks, even between a backslash and the quote it escapes', () => {
    const scanner = new JsonShapeScanner(limits);
    const text = Buffer.from('["a\\"[[[[", [[1]]]');
    scanner.feed(text.subarray(0, 3)); // ["a
    scanner.feed(text.subarray(3, 4)); // \
    scanner.feed(text.subarray(4));
    expect(() => new JsonShapeScanner(limits).feed(Buffer.from('[[[['))).toThrow(/deeper/);
  });

  it('walks a deep parsed value without recursion', () => {
    let deep: unknown = 'a\u0000b';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(() => assertCleanText(deep)).toThrow(/NUL/);
  });
});
