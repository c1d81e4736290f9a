import { MllrError, createRng, rngFromState, shuffled, type TrainExample } from '@mllr/core';

/** Where the data order stands: the seed, and the generator's state just before epoch `epoch` was shuffled. */
export interface DataOrderState {
  seed: number;
  epoch: number;
  rngState: number;
}

/** The batch of every step, and the data-order state to save with a checkpoint taken before a step. */
export interface BatchOrder {
  (step: number): TrainExample[];
  /** The state from which {@link batchOrder} continues with exactly the batches of `step` onwards. */
  stateAt(step: number): DataOrderState;
}

/**
 * The batch of every step: epochs of seeded shuffles cut into full batches (each epoch leaves out its own remainder).
 * With `from` (a saved {@link DataOrderState}) the generator continues at that epoch instead of replaying the earlier
 * ones, and gives the same batches as an uninterrupted order from the same seed. With `shuffle` false every epoch
 * keeps the examples' own order (the seed is then unused).
 */
export function batchOrder(
  examples: readonly TrainExample[],
  batchSize: number,
  seed: number,
  from?: DataOrderState,
  shuffle = true,
): BatchOrder {
  if (from && from.seed !== seed)
    throw new MllrError('INTERNAL', `data order of seed ${from.seed} resumed under seed ${seed}`);
  const firstEpoch = from?.epoch ?? 0;
  const rng = from ? rngFromState(from.rngState) : createRng(seed);
  const perEpoch = Math.max(1, Math.floor(examples.length / batchSize));
  const epochs = new Map<number, { order: TrainExample[]; rngState: number }>();
  let nextEpoch = firstEpoch;
  const epochAt = (epoch: number) => {
    if (epoch < firstEpoch)
      throw new MllrError('INTERNAL', `epoch ${epoch} comes before the resumed epoch ${firstEpoch}`);
    while (nextEpoch <= epoch) {
      const rngState = rng.state();
      epochs.set(nextEpoch, { order: shuffle ? shuffled(examples, rng) : [...examples], rngState });
      nextEpoch++;
    }
    return epochs.get(epoch)!;
  };
  const batches = (step: number): TrainExample[] => {
    const { order } = epochAt(Math.floor(step / perEpoch));
    const at = (step % perEpoch) * batchSize;
    return order.slice(at, Math.min(order.length, at + batchSize));
  };
  return Object.assign(batches, {
    stateAt: (step: number): DataOrderState => {
      const epoch = Math.floor(step / perEpoch);
      return { seed, epoch, rngState: epochAt(epoch).rngState };
    },
  });
}
