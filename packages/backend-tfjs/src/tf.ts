// The one place this package imports TensorFlow.js, so every module shares one engine and one set of backends.
// The union package is used rather than tfjs-core alone because only its Node bundle registers the gradients.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

export { tf };
