// Package train is the one training loop every model plugs into: VAEs now,
// flows and hierarchical VAEs later. A model gives its parameters and builds
// its loss graph for a batch shape (Model, Objective); the Trainer owns the
// rest: the step loop with the mollification hook, Adam/Adamax, global
// gradient-norm clipping, skipping of non-finite steps, an EMA of the
// weights, the progress bar, metrics.jsonl, loss.png, and atomic safetensors
// checkpoints from which a run resumes bit for bit.
package train
