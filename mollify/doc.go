// Package mollify implements data mollification for likelihood-based
// generative models (Tran, Rossi, Milios, Michiardi, Bonilla and Filippone,
// "One-Line-of-Code Data Mollification Improves Optimization of
// Likelihood-based Generative Models", NeurIPS 2023).
//
// Mollification trains on a smoothed version of the data early on and anneals
// the smoothing away, a continuation method: the first targets are easy
// densities that cover the whole space, the last is the data itself. The
// trainer applies it in one line to each clean batch before the loss:
//
//	x = m.Apply(x, progress, rng) // progress = step/steps ∈ [0, 1]
//
// Mollification lasts the first fraction Frac of training (the paper smooths
// for 30k of 50k steps, so the default is 0.6). With t = progress/Frac the
// fraction of that phase done, a Schedule gives the level s(t), decaying from
// s(0) = 1 (most smoothing) to s(1) = 0; for t ≥ 1 the data pass untouched
// and no random numbers are drawn. Two mollifiers follow the paper:
//
//   - Gaussian: variance-preserving noise, x̃ = √(1−s)·x + √s·ε, ε ~ N(0, I),
//     on pixels centred to [−1, 1] (see Gaussian.Apply);
//   - Blur: Gaussian blur whose variance σ² = MaxSigma²·s follows the schedule.
//
// New builds either from a Config; None is the identity.
package mollify
