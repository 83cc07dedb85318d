import { hash } from 'node:crypto';

/**
 * A Merkle tree over one site's chain of event hashes, in seq order, shaped as in RFC 6962 / RFC 9162 (Certificate
 * Transparency): leaves and inner nodes are hashed with different prefixes (0x00, 0x01), so a leaf can never pass for
 * a node, and a tree of n leaves splits at the largest power of two below n. A signed statement carries the root; an
 * inclusion proof (the audit path) shows one event is among the first n under that root with log2(n) hashes, without
 * revealing any other event.
 */

const LEAF = Buffer.from([0]);
const NODE = Buffer.from([1]);
const sha256 = (data: Buffer): Buffer => hash('sha256', data, 'buffer') as unknown as Buffer;

/** The leaf of an event: its ledger hash (64 hex) as bytes, prefixed. */
export function leafHash(eventHashHex: string): Buffer {
  if (!/^[0-9a-f]{64}$/.test(eventHashHex)) throw new Error(`Not an event hash: ${eventHashHex.slice(0, 80)}`);
  return sha256(Buffer.concat([LEAF, Buffer.from(eventHashHex, 'hex')]));
}

export function nodeHash(left: Buffer, right: Buffer): Buffer {
  return sha256(Buffer.concat([NODE, left, right]));
}

/** The root of the empty tree: sha256 of nothing. */
export const EMPTY_ROOT = sha256(Buffer.alloc(0)).toString('hex');

/** Largest power of two strictly below n (n >= 2). */
function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/**
 * Builds a root from leaves given one at a time, keeping only O(log n) hashes: complete subtrees of sizes that are
 * powers of two, merged as equal sizes meet. Folding what remains from the right gives the RFC 6962 shape.
 */
export class MerkleAccumulator {
  private readonly stack: { size: number; hash: Buffer }[] = [];
  private count = 0;

  addEventHash(eventHashHex: string): void {
    this.addLeaf(leafHash(eventHashHex));
  }

  addLeaf(leaf: Buffer): void {
    let top = { size: 1, hash: leaf };
    while (this.stack.length > 0 && this.stack[this.stack.length - 1]!.size === top.size) {
      const left = this.stack.pop()!;
      top = { size: left.size * 2, hash: nodeHash(left.hash, top.hash) };
    }
    this.stack.push(top);
    this.count += 1;
  }

  get size(): number {
    return this.count;
  }

  root(): string {
    if (this.stack.length === 0) return EMPTY_ROOT;
    let acc = this.stack[this.stack.length - 1]!.hash;
    for (let i = this.stack.length - 2; i >= 0; i--) acc = nodeHash(this.stack[i]!.hash, acc);
    return acc.toString('hex');
  }
}

export function merkleRoot(eventHashes: readonly string[]): string {
  const acc = new MerkleAccumulator();
  for (const h of eventHashes) acc.addEventHash(h);
  return acc.root();
}

function subtreeRoot(leaves: readonly Buffer[], lo: number, hi: number): Buffer {
  const acc = new MerkleAccumulator();
  for (let i = lo; i < hi; i++) acc.addLeaf(leaves[i]!);
  return Buffer.from(acc.root(), 'hex');
}

/** The audit path of leaf `index` in the tree of `eventHashes` (RFC 6962 PATH(m, D[n])), leaf side first. */
export function inclusionPath(eventHashes: readonly string[], index: number): string[] {
  if (!Number.isInteger(index) || index < 0 || index >= eventHashes.length) throw new RangeError(`No leaf ${index} among ${eventHashes.length}`);
  const leaves = eventHashes.map(leafHash);
  const path: Buffer[] = [];
  let lo = 0;
  let hi = leaves.length;
  let m = index;
  // Walk down from the root, remembering the sibling subtree at each level; the path is read leaf side first.
  while (hi - lo > 1) {
    const k = split(hi - lo);
    if (m < k) {
      path.push(subtreeRoot(leaves, lo + k, hi));
      hi = lo + k;
    } else {
      path.push(subtreeRoot(leaves, lo, lo + k));
      lo += k;
      m -= k;
    }
  }
  return path.reverse().map((b) => b.toString('hex'));
}

/**
 * Checks an audit path (RFC 9162, 2.1.3.2): that the event with this hash is leaf `index` of a tree of `size` leaves
 * whose root is `root`. Pure: what a person's representative runs with the statement that published the root.
 */
export function verifyInclusion(eventHashHex: string, index: number, size: number, path: readonly string[], rootHex: string): boolean {
  if (!Number.isInteger(index) || !Number.isInteger(size) || index < 0 || index >= size) return false;
  let fn = index;
  let sn = size - 1;
  let r: Buffer;
  try {
    r = leafHash(eventHashHex);
  } catch {
    return false;
  }
  for (const hex of path) {
    if (!/^[0-9a-f]{64}$/.test(hex)) return false;
    const p = Buffer.from(hex, 'hex');
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && r.toString('hex') === rootHex;
}
