import {
  MllrError,
  PluginLoader,
  type DependencyContainer,
  type EngineProvider,
  type RunConfig,
  type TrainingEngine,
  type InferenceEngine,
} from '@mllr/core';
import { generateWorld, type World } from '@mllr/data';
import { loadTokenizer, type HfTokenizer } from '@mllr/model';
import { resolveModelDir } from '../../engines/resolve-model-dir.js';

/** An engine that both infers and trains (tfjs): what the method stages perturb, probe and fine-tune. */
export type FullEngine = InferenceEngine & TrainingEngine & { tensorNames?(): string[] };

/**
 * What the ML-LR stages share within one engine process: the model folder, the embedded world, the tokenizer and
 * the engine provider. Built lazily, so a resumed run only pays for what its remaining stages use.
 */
export class RunResources {
  private world: World | undefined;
  private tokenizer: Promise<HfTokenizer> | undefined;
  private provider: Promise<EngineProvider> | undefined;

  constructor(
    readonly config: RunConfig,
    private readonly container: DependencyContainer,
    readonly configDir: string,
  ) {}

  /** The base model's folder (`tiny-chat` is the embedded model). */
  get modelDir(): string {
    return resolveModelDir(this.config.model.path, this.configDir);
  }

  /** The embedded world of this run's seed. */
  get embeddedWorld(): World {
    this.world ??= generateWorld({ seed: this.config.data.world.seed ?? this.config.seed });
    return this.world;
  }

  modelTokenizer(): Promise<HfTokenizer> {
    this.tokenizer ??= loadTokenizer(this.modelDir);
    return this.tokenizer;
  }

  /** A fresh engine on `modelDir` (default: the base model) that can train. */
  async openEngine(modelDir = this.modelDir): Promise<FullEngine> {
    this.provider ??= this.container.resolve<PluginLoader>(PluginLoader).load<EngineProvider>('training', this.config.engine.training, 'engine.training');
    const provider = await this.provider;
    const options = this.config.engine.device === 'auto' ? {} : { device: this.config.engine.device };
    if (!provider.openTraining) throw new MllrError('ARGUMENT_INVALID', `engine.training: the ${provider.name} engine cannot train`);
    return (await provider.openTraining(modelDir, options)) as FullEngine;
  }
}
