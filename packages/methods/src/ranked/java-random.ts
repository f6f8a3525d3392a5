/**
 * java.util.Random (48-bit linear congruential generator, Java SE specification), so that RCTab's seeded random
 * tie-breaks (`random`, `previousRoundCountsThenRandom`, `generatePermutation`) pick what RCTab picks.
 */
export class JavaRandom {
  private seed: bigint;
  private static readonly multiplier = 0x5deece66dn;
  private static readonly mask = (1n << 48n) - 1n;

  constructor(seed: bigint | number) {
    this.seed = (BigInt.asIntN(64, BigInt(seed)) ^ JavaRandom.multiplier) & JavaRandom.mask;
  }

  private next(bits: number): number {
    this.seed = (this.seed * JavaRandom.multiplier + 0xbn) & JavaRandom.mask;
    return Number(BigInt.asIntN(32, this.seed >> BigInt(48 - bits)));
  }

  /** Random.nextDouble(): 53 random bits in [0, 1). */
  nextDouble(): number {
    return (this.next(26) * 2 ** 27 + this.next(27)) / 2 ** 53;
  }

  /** Random.nextInt(bound). */
  nextInt(bound: number): number {
    if ((bound & -bound) === bound) return Number((BigInt(bound) * BigInt(this.next(31))) >> 31n);
    let bits: number;
    let value: number;
    do {
      bits = this.next(31);
      value = bits % bound;
    } while (bits - value + (bound - 1) >= 2 ** 31);
    return value;
  }

  /** Collections.shuffle(list, random), in place. */
  shuffle<T>(list: T[]): T[] {
    for (let i = list.length; i > 1; i--) {
      const j = this.nextInt(i);
      // j < i <= list.length, as nextInt(i) is below i.
      [list[i - 1], list[j]] = [list[j]!, list[i - 1]!];
    }
    return list;
  }
}
