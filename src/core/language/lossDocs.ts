// Hover documentation for each loss kind: what it is, its formula and its paper.
// src/trainer/losses/* carries the same metadata next to the implementation; core cannot
// import that code (it pulls in tfjs), so the table lives here and a test can compare them.
import type { LossKind } from '../config/types';

export interface LossDoc {
  title: string;
  /** Plain-text formula. */
  formula: string;
  /** Citation; absent for the plain supervised term. */
  paper?: string;
}

export const lossDocs: Record<LossKind, LossDoc> = {
  cross_entropy: {
    title: 'Cross-entropy with the true labels',
    formula: 'CE = -(1/B)·Σ_b Σ_c y_bc·log softmax(z_s)_bc, y smoothed by label_smoothing',
  },
  soft_kd: {
    title: 'Soft-target knowledge distillation',
    formula: 'T²·(1/B)·Σ_b KL(softmax(z_t/T) ‖ softmax(z_s/T))',
    paper: 'Hinton, Vinyals & Dean, "Distilling the Knowledge in a Neural Network", 2015',
  },
  hard_kd: {
    title: "Cross-entropy with the teacher's argmax labels",
    formula: 'CE(softmax(z_s), onehot(argmax z_t))',
  },
  hint: {
    title: 'FitNets hint: feature regression through a trainable projection',
    formula: '½·‖f_t − r(f_s)‖², r trainable (linear, conv1x1 or none); distance mse, l1 or cosine',
    paper: 'Romero et al., "FitNets: Hints for Thin Deep Nets", ICLR 2015',
  },
  attention: {
    title: 'Attention transfer between convolutional feature maps',
    formula: 'Σ_pairs mean_b,pos (Q_s − Q_t)², Q = normalize(vec(mean_c F^p))',
    paper: 'Zagoruyko & Komodakis, "Paying More Attention to Attention", ICLR 2017',
  },
  similarity: {
    title: 'Similarity-preserving distillation',
    formula: '‖G̃_t − G̃_s‖²_F / B², G = F·Fᵀ with rows L2-normalised',
    paper: 'Tung & Mori, "Similarity-Preserving Knowledge Distillation", ICCV 2019',
  },
  relational: {
    title: 'Relational knowledge distillation (distance and angle)',
    formula: 'distance_weight·Huber(ψ_D(t), ψ_D(s)) + angle_weight·Huber(ψ_A(t), ψ_A(s))',
    paper: 'Park et al., "Relational Knowledge Distillation", CVPR 2019',
  },
  pkt: {
    title: 'Probabilistic knowledge transfer',
    formula: 'mean_ij Q_ij·log((Q_ij + ε)/(P_ij + ε)), P,Q = row-normalised cosine kernels (n_i·n_j + 1)/2',
    paper: 'Passalis & Tefas, "Learning Deep Representations with Probabilistic Knowledge Transfer", ECCV 2018',
  },
  dkd: {
    title: 'Decoupled knowledge distillation (TCKD + NCKD)',
    formula: 'min(epoch/warmup_epochs, 1)·(α·TCKD + β·NCKD), TCKD = T²·KL(b_t‖b_s), NCKD = T²·KL(p̂_t‖p̂_s)',
    paper: 'Zhao et al., "Decoupled Knowledge Distillation", CVPR 2022',
  },
  adversarial: {
    title: 'Adversarial distillation with a discriminator',
    formula: 'student minimises −log D(s); D maximises log D(t) + log(1 − D(s))',
    paper: 'Wang et al., "KDGAN: Knowledge Distillation with Generative Adversarial Networks", NeurIPS 2018',
  },
};

export function lossDoc(kind: string): LossDoc | undefined {
  return Object.prototype.hasOwnProperty.call(lossDocs, kind) ? lossDocs[kind as LossKind] : undefined;
}
