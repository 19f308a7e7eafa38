#include "textflag.h"

// The kernels compute, lane by lane, what expGo, eluForwardGo and
// eluBackwardGo do (exp32Go and expm1Neg32 with fused multiply-adds); the
// constants come from eluConsts, one row of 16 lanes (64 bytes) each:
//
//	0 clamp −40, 64 1/ln 2, 128 1.5·2²³, 192 ln 2 (high part), 256 ln 2 (low
//	part), 320 1/7!, 384 1/6!, 448 1/5!, 512 1/4!, 576 1/3!, 640 1/2, 704 1,
//	768 the exponent bias (bits), 832 Exp's low end, 896 its high end,
//	960 +Inf.
//
// max and min take x as their second source (first operand in Go's order),
// which they return when either source is a NaN, so a NaN propagates.

// CONSTS512 loads the constants of the AVX-512 kernels (R8: eluConsts):
// Z21 1/ln 2, Z22 1.5·2²³, Z23 and Z24 ln 2's parts, Z25 … Z30 the Taylor
// coefficients 1/7! … 1/2, Z31 1, Z19 the exponent bias.
#define CONSTS512 \
	VMOVUPS 64(R8), Z21  \
	VMOVUPS 128(R8), Z22 \
	VMOVUPS 192(R8), Z23 \
	VMOVUPS 256(R8), Z24 \
	VMOVUPS 320(R8), Z25 \
	VMOVUPS 384(R8), Z26 \
	VMOVUPS 448(R8), Z27 \
	VMOVUPS 512(R8), Z28 \
	VMOVUPS 576(R8), Z29 \
	VMOVUPS 640(R8), Z30 \
	VMOVUPS 704(R8), Z31 \
	VMOVUPS 768(R8), Z19

// EXP512 reduces x in Z2 (within range): t = x/ln 2 + 1.5·2²³ (Z3),
// k = t − 1.5·2²³, r = x − k ln 2, and leaves q = eʳ − 1 by the Taylor
// polynomial in Z6 and s = 2ᵏ, from the low bits of t, in Z7.
#define EXP512 \
	VMOVAPS      Z22, Z3     \
	VFMADD231PS  Z21, Z2, Z3 \
	VSUBPS       Z22, Z3, Z4 \
	VMOVAPS      Z2, Z5      \
	VFNMADD231PS Z23, Z4, Z5 \
	VFNMADD231PS Z24, Z4, Z5 \
	VMOVAPS      Z25, Z6     \
	VFMADD213PS  Z26, Z5, Z6 \
	VFMADD213PS  Z27, Z5, Z6 \
	VFMADD213PS  Z28, Z5, Z6 \
	VFMADD213PS  Z29, Z5, Z6 \
	VFMADD213PS  Z30, Z5, Z6 \
	VFMADD213PS  Z31, Z5, Z6 \
	VMULPS       Z5, Z6, Z6  \
	VPSUBD       Z19, Z3, Z7 \
	VPSLLD       $23, Z7, Z7

// CONSTS256 loads what the AVX2 kernels keep in registers (R8:
// eluConsts): Y13 1/ln 2, Y12 1.5·2²³, Y11 1, Y10 the exponent bias; with
// 16 registers only, the rest are read from memory.
#define CONSTS256 \
	VMOVUPS 64(R8), Y13  \
	VMOVUPS 128(R8), Y12 \
	VMOVUPS 704(R8), Y11 \
	VMOVUPS 768(R8), Y10

// EXP256 is EXP512 on 8 lanes: x in Y2, q in Y6, s in Y7.
#define EXP256 \
	VMOVAPS      Y12, Y3         \
	VFMADD231PS  Y13, Y2, Y3     \
	VSUBPS       Y12, Y3, Y4     \
	VMOVAPS      Y2, Y5          \
	VFNMADD231PS 192(R8), Y4, Y5 \
	VFNMADD231PS 256(R8), Y4, Y5 \
	VMOVUPS      320(R8), Y6     \
	VFMADD213PS  384(R8), Y5, Y6 \
	VFMADD213PS  448(R8), Y5, Y6 \
	VFMADD213PS  512(R8), Y5, Y6 \
	VFMADD213PS  576(R8), Y5, Y6 \
	VFMADD213PS  640(R8), Y5, Y6 \
	VFMADD213PS  Y11, Y5, Y6     \
	VMULPS       Y5, Y6, Y6      \
	VPSUBD       Y10, Y3, Y7     \
	VPSLLD       $23, Y7, Y7

// func expAVX512(x, y *float32, n int)
TEXT ·expAVX512(SB), NOSPLIT, $0-24
	MOVQ    x+0(FP), SI
	MOVQ    y+8(FP), DI
	MOVQ    n+16(FP), CX
	LEAQ    ·eluConsts(SB), R8
	CONSTS512
	VMOVUPS 832(R8), Z16
	VMOVUPS 896(R8), Z17
	VMOVUPS 960(R8), Z15
	VPXORD  Z18, Z18, Z18
	XORQ    AX, AX

exp512:
	VMOVUPS     (SI)(AX*4), Z0
	VMAXPS      Z0, Z16, Z2        // x within [lo, hi]
	VMINPS      Z2, Z17, Z2
	EXP512
	VMOVAPS     Z7, Z8
	VFMADD231PS Z6, Z7, Z8         // s q + s = eˣ
	VCMPPS      $0x1e, Z17, Z0, K1 // x > hi: +Inf
	VMOVAPS     Z15, K1, Z8
	VCMPPS      $0x11, Z16, Z0, K2 // x < lo: 0
	VMOVAPS     Z18, K2, Z8
	VMOVUPS     Z8, (DI)(AX*4)
	ADDQ        $16, AX
	CMPQ        AX, CX
	JLT         exp512
	VZEROUPPER
	RET

// func eluForwardAVX512(x, y *float32, n int)
TEXT ·eluForwardAVX512(SB), NOSPLIT, $0-24
	MOVQ    x+0(FP), SI
	MOVQ    y+8(FP), DI
	MOVQ    n+16(FP), CX
	LEAQ    ·eluConsts(SB), R8
	CONSTS512
	VMOVUPS 0(R8), Z20
	VPXORD  Z18, Z18, Z18
	XORQ    AX, AX

fwd512:
	VMOVUPS     (SI)(AX*4), Z0
	VMAXPS      Z0, Z18, Z1 // positive part
	VMINPS      Z0, Z18, Z2 // negative part x
	VMAXPS      Z2, Z20, Z2 // clamped at −40
	EXP512
	VSUBPS      Z31, Z7, Z8 // s − 1
	VFMADD231PS Z6, Z7, Z8  // s q + (s − 1) = eˣ − 1
	VADDPS      Z1, Z8, Z8
	VMOVUPS     Z8, (DI)(AX*4)
	ADDQ        $16, AX
	CMPQ        AX, CX
	JLT         fwd512
	VZEROUPPER
	RET

// func eluBackwardAVX512(y, dy, dx *float32, n int)
TEXT ·eluBackwardAVX512(SB), NOSPLIT, $0-32
	MOVQ    y+0(FP), SI
	MOVQ    dy+8(FP), DX
	MOVQ    dx+16(FP), DI
	MOVQ    n+24(FP), CX
	LEAQ    ·eluConsts(SB), R8
	VMOVUPS 704(R8), Z31
	VPXORD  Z18, Z18, Z18
	XORQ    AX, AX

bwd512:
	VMOVUPS (SI)(AX*4), Z0
	VMINPS  Z0, Z18, Z0         // min(y, 0)
	VADDPS  Z31, Z0, Z0         // + 1
	VMULPS  (DX)(AX*4), Z0, Z0  // · dy
	VMOVUPS Z0, (DI)(AX*4)
	ADDQ    $16, AX
	CMPQ    AX, CX
	JLT     bwd512
	VZEROUPPER
	RET

// func expAVX2(x, y *float32, n int)
TEXT ·expAVX2(SB), NOSPLIT, $0-24
	MOVQ    x+0(FP), SI
	MOVQ    y+8(FP), DI
	MOVQ    n+16(FP), CX
	LEAQ    ·eluConsts(SB), R8
	CONSTS256
	VMOVUPS 832(R8), Y14
	VMOVUPS 896(R8), Y9
	VPXOR   Y15, Y15, Y15
	XORQ    AX, AX

exp256:
	VMOVUPS     (SI)(AX*4), Y0
	VMAXPS      Y0, Y14, Y2
	VMINPS      Y2, Y9, Y2
	EXP256
	VMOVAPS     Y7, Y8
	VFMADD231PS Y6, Y7, Y8
	VCMPPS      $0x1e, Y9, Y0, Y1
	VBLENDVPS   Y1, 960(R8), Y8, Y8
	VCMPPS      $0x11, Y14, Y0, Y1
	VBLENDVPS   Y1, Y15, Y8, Y8
	VMOVUPS     Y8, (DI)(AX*4)
	ADDQ        $8, AX
	CMPQ        AX, CX
	JLT         exp256
	VZEROUPPER
	RET

// func eluForwardAVX2(x, y *float32, n int)
TEXT ·eluForwardAVX2(SB), NOSPLIT, $0-24
	MOVQ    x+0(FP), SI
	MOVQ    y+8(FP), DI
	MOVQ    n+16(FP), CX
	LEAQ    ·eluConsts(SB), R8
	CONSTS256
	VMOVUPS 0(R8), Y14
	VPXOR   Y15, Y15, Y15
	XORQ    AX, AX

fwd256:
	VMOVUPS     (SI)(AX*4), Y0
	VMAXPS      Y0, Y15, Y1
	VMINPS      Y0, Y15, Y2
	VMAXPS      Y2, Y14, Y2
	EXP256
	VSUBPS      Y11, Y7, Y8
	VFMADD231PS Y6, Y7, Y8
	VADDPS      Y1, Y8, Y8
	VMOVUPS     Y8, (DI)(AX*4)
	ADDQ        $8, AX
	CMPQ        AX, CX
	JLT         fwd256
	VZEROUPPER
	RET

// func eluBackwardAVX2(y, dy, dx *float32, n int)
TEXT ·eluBackwardAVX2(SB), NOSPLIT, $0-32
	MOVQ    y+0(FP), SI
	MOVQ    dy+8(FP), DX
	MOVQ    dx+16(FP), DI
	MOVQ    n+24(FP), CX
	LEAQ    ·eluConsts(SB), R8
	VMOVUPS 704(R8), Y11
	VPXOR   Y15, Y15, Y15
	XORQ    AX, AX

bwd256:
	VMOVUPS (SI)(AX*4), Y0
	VMINPS  Y0, Y15, Y0
	VADDPS  Y11, Y0, Y0
	VMULPS  (DX)(AX*4), Y0, Y0
	VMOVUPS Y0, (DI)(AX*4)
	ADDQ    $8, AX
	CMPQ    AX, CX
	JLT     bwd256
	VZEROUPPER
	RET
