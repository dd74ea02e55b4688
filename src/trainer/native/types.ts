// Contract of the optional native training engine (build/native/distillery.node, C++ via N-API,
// built at install time when a C++ compiler is present). It trains the common case -- a
// sequential stack of dense / conv2d / maxpool2d / flatten layers on float inputs, with
// cross-entropy and Hinton soft-KD terms and Adam/AdamW/SGD -- with no per-op overhead and on
// every core; everything else (and every machine without the addon) uses the tfjs path.
// Semantics follow tfjs exactly (layouts, Adam with epsilon outside the bias-corrected sqrt,
// 'same' padding split), so weights and optimizer state move between the two freely.

export type NativeActivation = 'relu' | 'linear';

export type NativeLayer =
  | { type: 'dense'; units: number; activation: NativeActivation; useBias: boolean }
  | { type: 'conv2d'; filters: number; kernel: [number, number]; stride: [number, number]; padding: 'valid' | 'same'; activation: NativeActivation; useBias: boolean }
  | { type: 'maxpool2d'; pool: [number, number]; stride: [number, number]; padding: 'valid' | 'same' }
  | { type: 'flatten' };

export interface NativeNetSpec {
  /** Per-example input shape: [H, W, C] (NHWC) for images, [F] for vectors. */
  inputShape: number[];
  layers: NativeLayer[];
  /** Worker threads for the step (1 = the calling thread only): the most a step or predict uses. */
  threads: number;
  /**
   * Work, in MFLOP, each thread must get before a step (or predict) is split across one more
   * thread; default 32. Below it a helper thread costs more in handoff and gradient reduction
   * than it saves (the default student's step, ~13 MFLOP, runs on one thread; the teacher's,
   * ~300 MFLOP, on all). 0 = always every thread. Results depend on the threads used, which
   * depend only on this, `threads` and the batch size, so they stay deterministic.
   */
  minWorkPerThread?: number;
}

export type NativeOptimizer =
  | { name: 'adam' | 'adamw'; beta1: number; beta2: number; epsilon: number; weightDecay: number }
  | { name: 'sgd'; momentum: number };

/** The loss of one step: ceWeight·CE(labels) + kdWeight·T²·KL(softmax(t/T) ‖ softmax(s/T)), batch means. */
export interface NativeLoss { ceWeight: number; kdWeight: number; temperature: number }

export interface NativeStepResult {
  /** Weighted total. */
  total: number;
  /** Unweighted batch-mean cross-entropy (0 when ceWeight is 0 and it was not computed... it is always computed). */
  ce: number;
  /** Unweighted batch-mean T²·KL (0 when there are no teacher logits). */
  kd: number;
  /** Examples in the batch whose argmax(logits) equals the label (first maximum wins, as tf.argMax). */
  correct: number;
}

export interface NativeOptimizerState {
  /** Steps taken (tfjs Adam's `iter`). */
  iterations: number;
  /** Adam: first moments of every parameter, then second moments (paramShapes order). SGD+momentum: accumulators. Plain SGD: []. */
  slots: Float32Array[];
}

export interface NativeTrainer {
  /** Shapes of the trainable parameters in tfjs order: per layer, kernel ([in,out] or [kh,kw,cin,cout]) then bias. */
  paramShapes(): number[][];
  setParams(params: Float32Array[]): void;
  getParams(): Float32Array[];
  setOptimizer(o: NativeOptimizer): void;
  getOptimizerState(): NativeOptimizerState;
  setOptimizerState(s: NativeOptimizerState): void;
  /** The training split, copied once: x is [n, ...inputShape] row-major; teacherLogits [n, classes] when distilling. */
  setData(x: Float32Array, n: number, labels: Int32Array, teacherLogits?: Float32Array): void;
  /** One optimizer step on the examples at `indices` (into the data of setData) with learning rate `lr`. */
  step(indices: Int32Array, lr: number, loss: NativeLoss): NativeStepResult;
  /** Logits [n, classes] for n examples (inference). */
  predict(x: Float32Array, n: number): Float32Array;
  dispose(): void;
}

export interface NativeModule {
  createTrainer(spec: NativeNetSpec): NativeTrainer;
  /** Compiler, flags and thread count the addon was built/started with (for logs). */
  describe(): string;
}
