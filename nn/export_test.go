package nn

// Expm1Neg32 exposes expm1Neg32 to the external tests.
var Expm1Neg32 = expm1Neg32
