#include "textflag.h"

// func dot4x4avx512(k, n, sa, sb int, a0, a1, a2, a3, b0, b1, b2, b3, sums *float32)
//
// Z16..Z31 hold the 16 partial-sum vectors of the 4×4 products (a_i·b_j in
// Z(16 + 4i + j)), starting from zero. Each step loads 16 values of every
// row (Z0..Z3 from a, Z4..Z7 from b) and does 16 FMAs; the last k mod 16
// values of a segment are loaded under a mask that zeroes the rest (masked
// loads do not fault past the rows). After each of the n segments the a
// rows advance sa values and the b rows sb. At the end the 16 vectors are
// reduced to one vector of their 16 sums (see REDUCE16) stored at sums.
TEXT ·dot4x4avx512(SB), NOSPLIT, $0-104
	MOVQ a0+32(FP), SI
	MOVQ a1+40(FP), DI
	MOVQ a2+48(FP), R8
	MOVQ a3+56(FP), R9
	MOVQ b0+64(FP), R10
	MOVQ b1+72(FP), R11
	MOVQ b2+80(FP), R12
	MOVQ b3+88(FP), R13
	MOVQ sums+96(FP), DX
	VPXORD Z16, Z16, Z16
	VPXORD Z17, Z17, Z17
	VPXORD Z18, Z18, Z18
	VPXORD Z19, Z19, Z19
	VPXORD Z20, Z20, Z20
	VPXORD Z21, Z21, Z21
	VPXORD Z22, Z22, Z22
	VPXORD Z23, Z23, Z23
	VPXORD Z24, Z24, Z24
	VPXORD Z25, Z25, Z25
	VPXORD Z26, Z26, Z26
	VPXORD Z27, Z27, Z27
	VPXORD Z28, Z28, Z28
	VPXORD Z29, Z29, Z29
	VPXORD Z30, Z30, Z30
	VPXORD Z31, Z31, Z31

dotsegment:
	MOVQ k+0(FP), CX
	XORQ AX, AX

#define FMA4X4 \
	VFMADD231PS Z4, Z0, Z16 \
	VFMADD231PS Z5, Z0, Z17 \
	VFMADD231PS Z6, Z0, Z18 \
	VFMADD231PS Z7, Z0, Z19 \
	VFMADD231PS Z4, Z1, Z20 \
	VFMADD231PS Z5, Z1, Z21 \
	VFMADD231PS Z6, Z1, Z22 \
	VFMADD231PS Z7, Z1, Z23 \
	VFMADD231PS Z4, Z2, Z24 \
	VFMADD231PS Z5, Z2, Z25 \
	VFMADD231PS Z6, Z2, Z26 \
	VFMADD231PS Z7, Z2, Z27 \
	VFMADD231PS Z4, Z3, Z28 \
	VFMADD231PS Z5, Z3, Z29 \
	VFMADD231PS Z6, Z3, Z30 \
	VFMADD231PS Z7, Z3, Z31

dotloop:
	MOVQ CX, BX
	SUBQ AX, BX
	CMPQ BX, $16
	JLT  dottail
	VMOVUPS (SI)(AX*4), Z0
	VMOVUPS (DI)(AX*4), Z1
	VMOVUPS (R8)(AX*4), Z2
	VMOVUPS (R9)(AX*4), Z3
	VMOVUPS (R10)(AX*4), Z4
	VMOVUPS (R11)(AX*4), Z5
	VMOVUPS (R12)(AX*4), Z6
	VMOVUPS (R13)(AX*4), Z7
	FMA4X4
	ADDQ $16, AX
	JMP  dotloop

dottail:
	TESTQ BX, BX
	JEQ   dotnext
	MOVQ  $0xffff, CX
	BZHIQ BX, CX, CX // the low k mod 16 bits
	KMOVW CX, K1
	VMOVUPS.Z (SI)(AX*4), K1, Z0
	VMOVUPS.Z (DI)(AX*4), K1, Z1
	VMOVUPS.Z (R8)(AX*4), K1, Z2
	VMOVUPS.Z (R9)(AX*4), K1, Z3
	VMOVUPS.Z (R10)(AX*4), K1, Z4
	VMOVUPS.Z (R11)(AX*4), K1, Z5
	VMOVUPS.Z (R12)(AX*4), K1, Z6
	VMOVUPS.Z (R13)(AX*4), K1, Z7
	FMA4X4

dotnext:
	MOVQ sa+16(FP), BX
	SHLQ $2, BX
	ADDQ BX, SI
	ADDQ BX, DI
	ADDQ BX, R8
	ADDQ BX, R9
	MOVQ sb+24(FP), BX
	SHLQ $2, BX
	ADDQ BX, R10
	ADDQ BX, R11
	ADDQ BX, R12
	ADDQ BX, R13
	DECQ n+8(FP)
	JNE  dotsegment

	// REDUCE16: lane sums of v_q = Z(16+q) by halving. (A) pairs of
	// vectors: their 256-bit halves added, v_2p in the low half of Z(p) and
	// v_2p+1 in the high half. (B) pairs of those: 128-bit blocks added,
	// block b of Z(16+p) holding 4 partial sums of v_(4p+b). (C), (D) pairs
	// within blocks: lane 4b + t of Z2 holds the sum of v_(4t+b), which
	// VPERMPS puts in lane 4t + b.
#define HALVES(op, lo, hi, x, y, dst) \
	op lo, y, x, dst \
	op hi, y, x, Z8  \
	VADDPS Z8, dst, dst
	HALVES(VSHUFF32X4, $0x44, $0xEE, Z16, Z17, Z0)
	HALVES(VSHUFF32X4, $0x44, $0xEE, Z18, Z19, Z1)
	HALVES(VSHUFF32X4, $0x44, $0xEE, Z20, Z21, Z2)
	HALVES(VSHUFF32X4, $0x44, $0xEE, Z22, Z23, Z3)
	HALVES(VSHUFF32X4, $0x44, $0xEE, Z24, Z25, Z4)
	HALVES(VSHUFF32X4, $0x44, $0xEE, Z26, Z27, Z5)
	HALVES(VSHUFF32X4, $0x44, $0xEE, Z28, Z29, Z6)
	HALVES(VSHUFF32X4, $0x44, $0xEE, Z30, Z31, Z7)
	HALVES(VSHUFF32X4, $0x88, $0xDD, Z0, Z1, Z16)
	HALVES(VSHUFF32X4, $0x88, $0xDD, Z2, Z3, Z17)
	HALVES(VSHUFF32X4, $0x88, $0xDD, Z4, Z5, Z18)
	HALVES(VSHUFF32X4, $0x88, $0xDD, Z6, Z7, Z19)
	HALVES(VSHUFPS, $0x88, $0xDD, Z16, Z17, Z0)
	HALVES(VSHUFPS, $0x88, $0xDD, Z18, Z19, Z1)
	HALVES(VSHUFPS, $0x88, $0xDD, Z0, Z1, Z2)
	VMOVDQU32 dottranspose4<>(SB), Z9
	VPERMPS   Z2, Z9, Z3
	VMOVUPS   Z3, (DX)
	VZEROUPPER
	RET

// Lane 4t + b takes lane 4b + t: the 4×4 transpose that ends REDUCE16.
DATA dottranspose4<>+0(SB)/4, $0
DATA dottranspose4<>+4(SB)/4, $4
DATA dottranspose4<>+8(SB)/4, $8
DATA dottranspose4<>+12(SB)/4, $12
DATA dottranspose4<>+16(SB)/4, $1
DATA dottranspose4<>+20(SB)/4, $5
DATA dottranspose4<>+24(SB)/4, $9
DATA dottranspose4<>+28(SB)/4, $13
DATA dottranspose4<>+32(SB)/4, $2
DATA dottranspose4<>+36(SB)/4, $6
DATA dottranspose4<>+40(SB)/4, $10
DATA dottranspose4<>+44(SB)/4, $14
DATA dottranspose4<>+48(SB)/4, $3
DATA dottranspose4<>+52(SB)/4, $7
DATA dottranspose4<>+56(SB)/4, $11
DATA dottranspose4<>+60(SB)/4, $15
GLOBL dottranspose4<>(SB), RODATA|NOPTR, $64

// Lane indices 0..7, for the tail mask of dot2x4avx2.
DATA dotlanes<>+0(SB)/4, $0
DATA dotlanes<>+4(SB)/4, $1
DATA dotlanes<>+8(SB)/4, $2
DATA dotlanes<>+12(SB)/4, $3
DATA dotlanes<>+16(SB)/4, $4
DATA dotlanes<>+20(SB)/4, $5
DATA dotlanes<>+24(SB)/4, $6
DATA dotlanes<>+28(SB)/4, $7
GLOBL dotlanes<>(SB), RODATA|NOPTR, $32

// func dot2x4avx2(k, n, sa, sb int, a0, a1, b0, b1, b2, b3, sums *float32)
//
// The AVX2 dot kernel: 2×4 rows, 8 lanes. Y8..Y15 hold the partial-sum
// vectors (a_i·b_j in Y(8 + 4i + j)), starting from zero; Y0/Y1 the a
// rows, Y2..Y5 the b rows. The tail of a segment is loaded with VMASKMOVPS
// under the mask of lanes below k mod 8 (masked loads do not fault). At the
// end the 8 vectors are reduced to one vector of their 8 sums (see
// REDUCE8) stored at sums.
TEXT ·dot2x4avx2(SB), NOSPLIT, $0-88
	MOVQ a0+32(FP), SI
	MOVQ a1+40(FP), DI
	MOVQ b0+48(FP), R8
	MOVQ b1+56(FP), R9
	MOVQ b2+64(FP), R10
	MOVQ b3+72(FP), R11
	MOVQ sums+80(FP), DX
	VXORPS Y8, Y8, Y8
	VXORPS Y9, Y9, Y9
	VXORPS Y10, Y10, Y10
	VXORPS Y11, Y11, Y11
	VXORPS Y12, Y12, Y12
	VXORPS Y13, Y13, Y13
	VXORPS Y14, Y14, Y14
	VXORPS Y15, Y15, Y15
	VMOVDQU dotlanes<>(SB), Y7

#define FMA2X4 \
	VFMADD231PS Y2, Y0, Y8  \
	VFMADD231PS Y3, Y0, Y9  \
	VFMADD231PS Y4, Y0, Y10 \
	VFMADD231PS Y5, Y0, Y11 \
	VFMADD231PS Y2, Y1, Y12 \
	VFMADD231PS Y3, Y1, Y13 \
	VFMADD231PS Y4, Y1, Y14 \
	VFMADD231PS Y5, Y1, Y15

avx2segment:
	MOVQ k+0(FP), CX
	XORQ AX, AX

avx2loop:
	MOVQ CX, BX
	SUBQ AX, BX
	CMPQ BX, $8
	JLT  avx2tail
	VMOVUPS (SI)(AX*4), Y0
	VMOVUPS (DI)(AX*4), Y1
	VMOVUPS (R8)(AX*4), Y2
	VMOVUPS (R9)(AX*4), Y3
	VMOVUPS (R10)(AX*4), Y4
	VMOVUPS (R11)(AX*4), Y5
	FMA2X4
	ADDQ $8, AX
	JMP  avx2loop

avx2tail:
	TESTQ BX, BX
	JEQ   avx2next
	VMOVD        BX, X6
	VPBROADCASTD X6, Y6
	VPCMPGTD     Y7, Y6, Y6 // lanes below k mod 8
	VMASKMOVPS   (SI)(AX*4), Y6, Y0
	VMASKMOVPS   (DI)(AX*4), Y6, Y1
	VMASKMOVPS   (R8)(AX*4), Y6, Y2
	VMASKMOVPS   (R9)(AX*4), Y6, Y3
	VMASKMOVPS   (R10)(AX*4), Y6, Y4
	VMASKMOVPS   (R11)(AX*4), Y6, Y5
	FMA2X4

avx2next:
	MOVQ sa+16(FP), BX
	SHLQ $2, BX
	ADDQ BX, SI
	ADDQ BX, DI
	MOVQ sb+24(FP), BX
	SHLQ $2, BX
	ADDQ BX, R8
	ADDQ BX, R9
	ADDQ BX, R10
	ADDQ BX, R11
	DECQ n+8(FP)
	JNE  avx2segment
	// REDUCE8: lane sums of v_q = Y(8+q) by halving. (A) pairs of vectors:
	// their 128-bit halves added, v_2p in the low half of Y(p) and v_2p+1
	// in the high half. (B), (C) pairs within blocks: lane 4b + t of Y4
	// holds the sum of v_(2t+b), which VPERMPS puts in lane 2t + b.
#define HALVES8(op, lo, hi, x, y, dst) \
	op lo, y, x, dst \
	op hi, y, x, Y6  \
	VADDPS Y6, dst, dst
	HALVES8(VPERM2F128, $0x20, $0x31, Y8, Y9, Y0)
	HALVES8(VPERM2F128, $0x20, $0x31, Y10, Y11, Y1)
	HALVES8(VPERM2F128, $0x20, $0x31, Y12, Y13, Y2)
	HALVES8(VPERM2F128, $0x20, $0x31, Y14, Y15, Y3)
	HALVES8(VSHUFPS, $0x88, $0xDD, Y0, Y1, Y8)
	HALVES8(VSHUFPS, $0x88, $0xDD, Y2, Y3, Y9)
	HALVES8(VSHUFPS, $0x88, $0xDD, Y8, Y9, Y4)
	VMOVDQU dottranspose2<>(SB), Y5
	VPERMPS Y4, Y5, Y6
	VMOVUPS Y6, (DX)
	VZEROUPPER
	RET

// Lane 2t + b takes lane 4b + t: the transpose that ends REDUCE8.
DATA dottranspose2<>+0(SB)/4, $0
DATA dottranspose2<>+4(SB)/4, $4
DATA dottranspose2<>+8(SB)/4, $1
DATA dottranspose2<>+12(SB)/4, $5
DATA dottranspose2<>+16(SB)/4, $2
DATA dottranspose2<>+20(SB)/4, $6
DATA dottranspose2<>+24(SB)/4, $3
DATA dottranspose2<>+28(SB)/4, $7
GLOBL dottranspose2<>(SB), RODATA|NOPTR, $32
