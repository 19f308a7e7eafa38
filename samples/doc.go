// Package samples turns model outputs into pictures: image grids (samples at a
// temperature now; reconstructions, imputations and interpolations later),
// written as PNG files atomically.
package samples
