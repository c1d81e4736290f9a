import { MllrError, type EngineProvider, type OpenEngineOptions } from '@mllr/core';
import { loadCheckpoint, loadModelConfig } from '@mllr/model';
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
      throw new MllrError('ARGUMENT_INVALID', `unknown TensorFlow.js device "${device}"; use auto, ${TFJS_DEVICES.join(', ')}`);
    }
    return device as 'auto' | TfjsDevice;
  }
}
