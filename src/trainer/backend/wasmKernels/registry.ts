// The kernels this project adds to (or replaces on) the wasm backend for training.
// Each is composed from kernels wasm has; none copies data to another backend.
import * as tf from '@tensorflow/tfjs';
import { batchMatMulConfig } from './batchMatMul';
import { conv2DBackpropFilterConfig } from './conv2DBackpropFilter';
import { conv2DBackpropInputConfig } from './conv2DBackpropInput';
import { depthwiseConv2dNativeBackpropFilterConfig } from './depthwiseConv2dNativeBackpropFilter';
import { depthwiseConv2dNativeBackpropInputConfig } from './depthwiseConv2dNativeBackpropInput';
import { gatherV2Config } from './gatherV2';
import { meanConfig } from './mean';
import { sumConfig } from './sum';
import { maxPoolGradConfig } from './maxPoolGrad';
import { sharedCastConfig, sharedIdentityConfig } from './identity';
import { unsortedSegmentSumConfig } from './unsortedSegmentSum';
import { biasAddConfig } from './biasAdd';
import { conv2DConfig } from './directConv';
import { maxPoolConfig } from './maxPool';
import { heapSimdSwitches } from './heapSimd';

export interface WasmKernelOptions {
  /** Replace BatchMatMul's transposed paths (default true). */
  transposedMatMul?: boolean;
  /** Replace Conv2DBackpropInput by a forward conv (default true). */
  convBackpropInput?: boolean;
  /** For strided convs, keep the native Conv2DBackpropInput instead of the zero-inserted rewrite. */
  nativeStridedBackpropInput?: boolean;
  /** Replace Sum/Mean over leading axes (conv bias gradients, batch-norm moments) by a matmul with ones (default true). */
  leadingAxesReductions?: boolean;
  /** Replace GatherV2 (batch cutting) by row copies over the wasm heap (default true). */
  jsGather?: boolean;
  /** Replace MaxPoolGrad by a single JS pass over the heap (default true): ~3× faster, and the shipped kernel drops the gradient of windows whose maximum is negative. */
  jsMaxPoolGrad?: boolean;
  /** Identity shares data instead of copying (default true): the gradient tape clones every saved input. */
  sharedIdentity?: boolean;
  /** SIMD loops on the heap (heapSimd.ts, default true each): the direct Conv2D (and so Conv2DBackpropInput), Conv2DBackpropFilter and BatchMatMul, 2×2 MaxPool and MaxPoolGrad, leading-axes Sum/Mean, bias Add. */
  simdConv?: boolean;
  simdConvFilter?: boolean;
  simdMatMul?: boolean;
  simdMaxPoolGrad?: boolean;
  simdColumnSum?: boolean;
  simdBiasAdd?: boolean;
  simdMaxPool?: boolean;
}

/** The original kernels replaced here, kept so that benchmarks can compare and tests can restore. */
const originals = new Map<string, tf.KernelConfig>();
/** Kernels wasm did not have at all. */
const added = new Set<string>();

function replace(config: tf.KernelConfig): void {
  const existing = tf.getKernel(config.kernelName, 'wasm');
  if (existing) {
    if (!originals.has(config.kernelName) && !added.has(config.kernelName)) originals.set(config.kernelName, existing);
    tf.unregisterKernel(config.kernelName, 'wasm');
  } else {
    added.add(config.kernelName);
  }
  tf.registerKernel(config);
}

/** Original (shipped) kernel, if this module replaced it. */
export function originalWasmKernel(name: string): tf.KernelConfig | undefined {
  return originals.get(name) ?? tf.getKernel(name, 'wasm');
}

/** Registers the missing training kernels and the faster rewrites. Call after the wasm backend is ready. */
export function registerWasmTrainingKernels(opts: WasmKernelOptions = {}): string[] {
  const names: string[] = [];
  const add = (c: tf.KernelConfig) => { replace(c); names.push(c.kernelName); };
  add(conv2DBackpropFilterConfig);
  Object.assign(heapSimdSwitches, { maxPool: opts.simdMaxPool ?? true, matMul: opts.simdMatMul ?? true, conv: opts.simdConv ?? true, convFilter: opts.simdConvFilter ?? true, maxPoolGrad: opts.simdMaxPoolGrad ?? true, columnSum: opts.simdColumnSum ?? true, biasAdd: opts.simdBiasAdd ?? true });
  const nativeAdd = originalWasmKernel(tf.Add);
  if (nativeAdd) add(biasAddConfig(nativeAdd.kernelFunc));
  const nativeConv = originalWasmKernel(tf.Conv2D);
  if (nativeConv) add(conv2DConfig(nativeConv.kernelFunc));
  const nativeMaxPool = originalWasmKernel(tf.MaxPool);
  if (nativeMaxPool) add(maxPoolConfig(nativeMaxPool.kernelFunc));
  add(depthwiseConv2dNativeBackpropFilterConfig);
  add(depthwiseConv2dNativeBackpropInputConfig);
  add(unsortedSegmentSumConfig);
  if (opts.convBackpropInput ?? true) {
    const native = originalWasmKernel(tf.Conv2DBackpropInput)?.kernelFunc;
    add(conv2DBackpropInputConfig(native, opts.nativeStridedBackpropInput ?? false));
  }
  if (opts.jsMaxPoolGrad ?? true) add(maxPoolGradConfig);
  if (opts.sharedIdentity ?? true) {
    const native = originalWasmKernel(tf.Identity);
    if (native) add(sharedIdentityConfig(native.kernelFunc));
    const cast = originalWasmKernel(tf.Cast);
    if (cast) add(sharedCastConfig(cast.kernelFunc));
  }
  if (opts.transposedMatMul ?? true) {
    const native = originalWasmKernel(tf.BatchMatMul);
    if (!native) throw new Error('The wasm backend has no BatchMatMul kernel.');
    add(batchMatMulConfig(native.kernelFunc));
  }
  if (opts.leadingAxesReductions ?? true) {
    for (const [name, make] of [[tf.Sum, sumConfig], [tf.Mean, meanConfig]] as const) {
      const native = originalWasmKernel(name);
      if (!native) throw new Error(`The wasm backend has no ${name} kernel.`);
      add(make(native.kernelFunc));
    }
  }
  if (opts.jsGather ?? true) {
    const native = originalWasmKernel(tf.GatherV2);
    if (!native) throw new Error('The wasm backend has no GatherV2 kernel.');
    add(gatherV2Config(native.kernelFunc));
  }
  return names;
}

/**
 * Puts back the shipped kernels that were replaced; with `removeAdded`, also removes the ones
 * wasm lacked, giving wasm exactly as shipped (for benchmarks: conv training then fails).
 */
export function restoreShippedWasmKernels(opts: { removeAdded?: boolean } = {}): void {
  for (const [name, config] of originals) {
    if (tf.getKernel(name, 'wasm')) tf.unregisterKernel(name, 'wasm');
    tf.registerKernel(config);
  }
  if (opts.removeAdded) {
    for (const name of added) if (tf.getKernel(name, 'wasm')) tf.unregisterKernel(name, 'wasm');
  }
}
