import { availableParallelism } from 'node:os';
import { MllrError, type EngineProvider, type OpenEngineOptions } from '@mllr/core';
import { loadCheckpoint, loadModelConfig } from '@mllr/model';
import { measureTfjsMatMulGflops } from './bench/matmul-probe.js';
import { checkFitsDevice } from './device/memory-limit.js';
import { TFJS_DEVICES, selectTfjsDevice, type TfjsDevice } from './device/select-device.js';
import { TfjsEngine } from './tfjs-engine.js';

/** Opens TfjsEngines on model folders; what this package registers for the `inference` and `training` slots. */
export class TfjsEngineProvider implements EngineProvider {
  readonly name = 'tfjs';

  /** `defaultDevice` comes from the plugin's options; a device passed when opening wins. */
  constructor(private readonly defaultDevice: string = 'auto') {}

  async device(options: OpenEngineOptions = {}): Promise<string> {
    return (await selectTfjsDevice(this.deviceOf(options))).device;
  }

  /**
   * tfjs chooses its own threads: one on wasm and cpu (tfjs turns its wasm threads off under Node, tfjs issue 3830),
   * TensorFlow's own pool (one per core) on tfjs-node; `options.threads` is not followed.
   */
  async threads(options: OpenEngineOptions = {}): Promise<number> {
    const device = await this.device(options);
    return device === 'wasm' || device === 'cpu' ? 1 : availableParallelism();
  }

  matmulGflops(options: OpenEngineOptions & { size?: number } = {}): Promise<number> {
    return measureTfjsMatMulGflops({
      device: this.deviceOf(options),
      ...(options.size !== undefined ? { size: options.size } : {}),
    });
  }

  openInference(modelDir: string, options: OpenEngineOptions = {}): Promise<TfjsEngine> {
    return this.open(modelDir, options, 'inference');
  }

  openTraining(modelDir: string, options: OpenEngineOptions = {}): Promise<TfjsEngine> {
    return this.open(modelDir, options, 'training');
  }

  /** A model too large for the device is refused from its config.json, before its weights are read. */
  private async open(modelDir: string, options: OpenEngineOptions, use: 'inference' | 'training'): Promise<TfjsEngine> {
    const device = this.deviceOf(options);
    const { device: selected } = await selectTfjsDevice(device);
    checkFitsDevice(await loadModelConfig(modelDir), selected, use, modelDir);
    return TfjsEngine.create(await loadCheckpoint(modelDir), { device });
  }

  private deviceOf(options: OpenEngineOptions): 'auto' | TfjsDevice {
    const device = options.device ?? this.defaultDevice;
    if (device !== 'auto' && !(TFJS_DEVICES as readonly string[]).includes(device)) {
      throw new MllrError(
        'ARGUMENT_INVALID',
        `unknown TensorFlow.js device "${device}"; use auto, ${TFJS_DEVICES.join(', ')}`,
      );
    }
    return device as 'auto' | TfjsDevice;
  }
}
