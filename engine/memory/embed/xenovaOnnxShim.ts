/**
 * Stands in for @xenova/transformers' `backends/onnx.js` in the bundle (see scripts/build.mjs). That module
 * imports onnxruntime-node 1.14 and onnxruntime-web; the tokenizer needs neither, only a Tensor class, so the
 * bundle hands it the engine's own onnxruntime-node 1.30 instead of loading a second runtime.
 */
import * as ort from 'onnxruntime-node';

export const ONNX = ort;
export const executionProviders = ['cpu'];
