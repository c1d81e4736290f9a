// tiny-chat's initial weights: the GPT-2-style seeded initialisation that now lives in @mllr/model (the pipeline's
// `pretrain` stage uses the same one), under the name the trainer has always imported.
export { initialTensors as initialWeights } from '@mllr/model';
