// Hover documentation for each loss kind: its title, formula and paper.
// src/trainer/losses/* carries the same metadata next to each implementation; core cannot
// import that code (it pulls in tfjs), so the table is repeated here, and
// test/unit/language/lossDocs.test.ts fails when the two drift apart.
import type { LossKind } from '../config/types';

export interface LossDoc {
  title: string;
  /** Plain-text formula. */
  formula: string;
  /** Citation. */
  paper?: string;
}

export const lossDocs: Record<LossKind, LossDoc> = {
  cross_entropy: {
    title: "Cross-entropy with the true labels",
    formula: "CE = (1/B)·Σ_b −Σ_c y_bc·log softmax(z_s)_bc,  y = (1 − ε)·onehot(label) + ε/C",
    paper: "Label smoothing: Szegedy, C., Vanhoucke, V., Ioffe, S., Shlens, J., Wojna, Z. (2016). Rethinking the Inception Architecture for Computer Vision. CVPR 2016.",
  },
  soft_kd: {
    title: "Soft-target knowledge distillation",
    formula: "KD = T²·(1/B)·Σ_b KL(softmax(z_t/T) ‖ softmax(z_s/T))",
    paper: "Hinton, G., Vinyals, O., Dean, J. (2015). Distilling the Knowledge in a Neural Network. NIPS 2014 Deep Learning Workshop; arXiv:1503.02531.",
  },
  hard_kd: {
    title: "Hard-label distillation (teacher argmax)",
    formula: "HKD = (1/B)·Σ_b −log softmax(z_s)_b[argmax_c z_t,bc]",
    paper: "Touvron, H., Cord, M., Douze, M., Massa, F., Sablayrolles, A., Jégou, H. (2021). Training data-efficient image transformers & distillation through attention. ICML 2021 (hard-label distillation).",
  },
  hint: {
    title: "Hint learning (FitNets)",
    formula: "mse: (1/B)·Σ_b ½‖F_t,b − r(F_s,b)‖²;  l1: (1/B)·Σ_b ‖F_t,b − r(F_s,b)‖₁;  cosine: (1/B)·Σ_b (1 − cos(F_t,b, r(F_s,b)))",
    paper: "Romero, A., Ballas, N., Kahou, S. E., Chassang, A., Gatta, C., Bengio, Y. (2015). FitNets: Hints for Thin Deep Nets. ICLR 2015.",
  },
  attention: {
    title: "Attention transfer",
    formula: "a(F) = normalise(flatten(mean_c |F_c|^p));  AT = Σ_pairs mean_{b,position} (a(F_s) − a(F_t))²",
    paper: "Zagoruyko, S., Komodakis, N. (2017). Paying More Attention to Attention: Improving the Performance of Convolutional Neural Networks via Attention Transfer. ICLR 2017.",
  },
  similarity: {
    title: "Similarity-preserving distillation",
    formula: "G = F·Fᵀ (B×B), G̃ = G with rows L2-normalised;  SP = ‖G̃_t − G̃_s‖_F² / B²",
    paper: "Tung, F., Mori, G. (2019). Similarity-Preserving Knowledge Distillation. ICCV 2019.",
  },
  relational: {
    title: "Relational knowledge distillation (distance + angle)",
    formula: "ψ_D(i,j) = ‖e_i − e_j‖/μ;  ψ_A(i,j,k) = cos∠(e_j − e_i, e_k − e_i);  RKD = w_D·mean_{i,j} Huber(ψ_D^s − ψ_D^t) + w_A·mean_{i,j,k} Huber(ψ_A^s − ψ_A^t), Huber δ = 1",
    paper: "Park, W., Kim, D., Lu, Y., Cho, M. (2019). Relational Knowledge Distillation. CVPR 2019.",
  },
  pkt: {
    title: "Probabilistic knowledge transfer",
    formula: "n = rows L2-normalised;  K_ij = (n_i·n_j + 1)/2;  P, Q = K rows normalised to sum 1 (student, teacher);  PKT = mean_ij Q_ij·log((Q_ij + ε)/(P_ij + ε)), ε = 1e-7",
    paper: "Passalis, N., Tefas, A. (2018). Learning Deep Representations with Probabilistic Knowledge Transfer. ECCV 2018.",
  },
  dkd: {
    title: "Decoupled knowledge distillation",
    formula: "b = [p_target, 1 − p_target] at T;  p̂ = softmax over the non-target classes at T;  TCKD = T²·KL(b_t ‖ b_s);  NCKD = T²·KL(p̂_t ‖ p̂_s);  DKD = min(epoch/warmup_epochs, 1)·(α·TCKD + β·NCKD), batch mean",
    paper: "Zhao, B., Cui, Q., Song, R., Qiu, Y., Liang, J. (2022). Decoupled Knowledge Distillation. CVPR 2022.",
  },
  adversarial: {
    title: "Adversarial distillation",
    formula: "D: MLP → logit;  discriminator step (own Adam): min_D −mean log σ(D(h_t)) − mean log(1 − σ(D(h_s)));  student: ADV = −mean_b log σ(D(h_s,b))  (h = logits, or layer features with the student side projected to the teacher's width)",
    paper: "Wang, Y., Xu, C., Xu, C., Tao, D. (2018). Adversarial Learning of Portable Student Networks. AAAI 2018. Non-saturating generator loss: Goodfellow, I., Pouget-Abadie, J., Mirza, M., Xu, B., Warde-Farley, D., Ozair, S., Courville, A., Bengio, Y. (2014). Generative Adversarial Nets. NeurIPS 2014.",
  },
};

export function lossDoc(kind: string): LossDoc | undefined {
  return Object.prototype.hasOwnProperty.call(lossDocs, kind) ? lossDocs[kind as LossKind] : undefined;
}
