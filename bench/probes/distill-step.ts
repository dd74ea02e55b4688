// CPU cost of one distillation step as the trainer runs it: the default experiment's student
// (784-64-10), its objective (0.1·cross_entropy + 0.9·soft_kd, T=4), Adam with the cosine
// schedule, driven by the real stage loop (trainStage) over 8,000 synthetic MNIST-shaped rows
// with cached teacher logits. Then a tf.profile pass for the kernel calls per step.
// Usage: npx tsx bench/probes/distill-step.ts [wasm|cpu] [--epochs N] [--no-fused-adam] [--no-fused-loss] [--calls]
import * as tf from '@tensorflow/tfjs';
import type { DistillationConfig, LayerConfig } from '../../src/core/config/types';
import { initBackend } from '../../src/trainer/backend/initBackend';
import { createObjective } from '../../src/trainer/losses/objective';
import type { LossContext } from '../../src/trainer/losses/types';
import { distillationObjective } from '../../src/trainer/loop/objective';
import { createOptimizer } from '../../src/trainer/loop/optimizers';
import { trainStage, type StageModel } from '../../src/trainer/loop/stageTrainer';
import type { EventSink } from '../../src/trainer/run/eventSink';
import { buildModel } from '../../src/trainer/models/buildModel';

const args = process.argv.slice(2);
const backendName = (args.find((a) => a === 'wasm' || a === 'cpu') ?? 'wasm') as 'wasm' | 'cpu';
const flag = (name: string) => args.includes(name);
const epochsArg = args.indexOf('--epochs');
const epochs = epochsArg >= 0 ? Number(args[epochsArg + 1]) : 2;
const N = 8000;
const BATCH = 64;

const layers: LayerConfig[] = [
  { type: 'flatten' },
  { type: 'dense', units: 64, activation: 'relu', use_bias: true, name: 'hidden' },
  { type: 'dense', units: 10, activation: 'linear', use_bias: true },
];
const distillation: DistillationConfig = {
  weighting: 'fixed',
  losses: [
    { kind: 'cross_entropy', id: 'cross_entropy', weight: { kind: 'constant', value: 0.1 }, label_smoothing: 0 },
    { kind: 'soft_kd', id: 'soft_kd', weight: { kind: 'constant', value: 0.9 }, temperature: 4 },
  ],
};

async function main(): Promise<void> {
  await initBackend(backendName);
  const model = buildModel(layers, { name: 'student', inputShape: [28, 28, 1], seed: 8 });
  const xAll = tf.randomUniform([N, 28, 28, 1], 0, 1, 'float32', 1);
  const teacherLogits = tf.randomNormal([N, 10], 0, 3, 'float32', 2) as tf.Tensor2D;
  const labels = Int32Array.from({ length: N }, (_, i) => (i * 7919) % 10);
  const spe = Math.ceil(N / BATCH);
  const objective = distillationObjective(
    createObjective(distillation, { teacher: () => [], student: () => [] }, { stepsPerEpoch: spe, totalEpochs: epochs, fuse: !flag('--no-fused-loss') }),
    distillation.losses.map((l) => l.id), true);
  const variables = model.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);
  const stageModel: StageModel = {
    termIds: objective.termIds,
    variables,
    loss: (indices, lab, info) => {
      const logits = model.apply(tf.gather(xAll, indices), { training: true }) as tf.Tensor2D;
      const ctx: LossContext = {
        studentLogits: logits, teacherLogits: tf.gather(teacherLogits, indices) as tf.Tensor2D, labels: lab,
        studentFeature: () => { throw new Error('no features'); }, teacherFeature: () => { throw new Error('no features'); },
        numClasses: 10, epoch: info.epoch, step: info.step, epochProgress: info.epochProgress, training: true,
      };
      const { total, values } = objective.compute(ctx);
      return { total, values, logits };
    },
    weights: (info) => objective.weights(info.epochProgress, info.step),
  };
  const sink = { emit: () => undefined, log: () => undefined } as unknown as EventSink;
  const run = async (nEpochs: number) => {
    const optimizer = createOptimizer({ name: 'adam', learning_rate: 0.003 }, { fused: !flag('--no-fused-adam') });
    await trainStage(stageModel, {
      stage: 'distill', epochs: nEpochs, batchSize: BATCH, trainLabels: labels, seed: 7, baseLr: 0.003,
      schedule: { name: 'cosine', warmup_epochs: 0, min_lr: 0 }, optimizer, sink, validateEvery: 1000,
      shouldStop: () => false, checkpoint: async () => undefined, stepEventIntervalMs: 200,
    });
    optimizer.dispose();
  };
  await run(1); // warm-up: kernels compiled, heap grown
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  await run(epochs);
  const cpu = process.cpuUsage(cpu0);
  const wall = performance.now() - wall0;
  const steps = epochs * spe;
  const cpuMs = (cpu.user + cpu.system) / 1000 / steps;
  console.log(`distill step on ${tf.getBackend()} (fused adam: ${!flag('--no-fused-adam')}, fused loss: ${!flag('--no-fused-loss')}): ${cpuMs.toFixed(2)} CPU ms per step, ${(wall / steps).toFixed(2)} wall ms, ${Math.round(BATCH / cpuMs * 1000)} ex per CPU second`);
  const info = await tf.profile(() => run(1));
  const by = new Map<string, number>();
  for (const k of info.kernels) by.set(k.name, (by.get(k.name) ?? 0) + 1);
  console.log(`${(info.kernels.length / spe).toFixed(1)} kernel calls per step`);
  console.log([...by].sort((a, b) => b[1] - a[1]).map(([n, c]) => `${n} ${(c / spe).toFixed(1)}`).join(', '));
  if (flag('--calls')) for (const k of info.kernels.slice(0, Math.round(info.kernels.length / spe))) console.log(`  ${k.name} ${JSON.stringify(k.inputShapes)}`);
}
main().catch((e) => { console.error(e); process.exit(1); });
