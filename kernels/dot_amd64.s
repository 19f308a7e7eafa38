#include "textflag.h"

// func dot4x4avx512(k, n, sa, sb int, a0, a1, a2, a3, b0, b1, b2, b3, acc *float32)
//
// Z16..Z31 hold the 16 partial-sum vectors of the 4×4 products (a_i·b_j in
// Z(16 + 4i + j)), loaded from and stored back to acc. Each step loads 16
// values of every row (Z0..Z3 from a, Z4..Z7 from b) and does 16 FMAs; the
// last k mod 16 values of a segment are loaded under a mask that zeroes the
// rest (masked loads do not fault past the rows). After each of the n
// segments the a rows advance sa values and the b rows sb.
TEXT ·dot4x4avx512(SB), NOSPLIT, $0-104
	MOVQ a0+32(FP), SI
	MOVQ a1+40(FP), DI
	MOVQ a2+48(FP), R8
	MOVQ a3+56(FP), R9
	MOVQ b0+64(FP), R10
	MOVQ b1+72(FP), R11
	MOVQ b2+80(FP), R12
	MOVQ b3+88(FP), R13
	MOVQ acc+96(FP), DX
	VMOVUPS 0(DX), Z16
	VMOVUPS 64(DX), Z17
	VMOVUPS 128(DX), Z18
	VMOVUPS 192(DX), Z19
	VMOVUPS 256(DX), Z20
	VMOVUPS 320(DX), Z21
	VMOVUPS 384(DX), Z22
	VMOVUPS 448(DX), Z23
	VMOVUPS 512(DX), Z24
	VMOVUPS 576(DX), Z25
	VMOVUPS 640(DX), Z26
	VMOVUPS 704(DX), Z27
	VMOVUPS 768(DX), Z28
	VMOVUPS 832(DX), Z29
	VMOVUPS 896(DX), Z30
	VMOVUPS 960(DX), Z31

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

	VMOVUPS Z16, 0(DX)
	VMOVUPS Z17, 64(DX)
	VMOVUPS Z18, 128(DX)
	VMOVUPS Z19, 192(DX)
	VMOVUPS Z20, 256(DX)
	VMOVUPS Z21, 320(DX)
	VMOVUPS Z22, 384(DX)
	VMOVUPS Z23, 448(DX)
	VMOVUPS Z24, 512(DX)
	VMOVUPS Z25, 576(DX)
	VMOVUPS Z26, 640(DX)
	VMOVUPS Z27, 704(DX)
	VMOVUPS Z28, 768(DX)
	VMOVUPS Z29, 832(DX)
	VMOVUPS Z30, 896(DX)
	VMOVUPS Z31, 960(DX)
	VZEROUPPER
	RET

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

// func dot2x4avx2(k, n, sa, sb int, a0, a1, b0, b1, b2, b3, acc *float32)
//
// The AVX2 dot kernel: 2×4 rows, 8 lanes. Y8..Y15 hold the partial-sum
// vectors (a_i·b_j in Y(8 + 4i + j)); Y0/Y1 the a rows, Y2..Y5 the b rows.
// The tail of a segment is loaded with VMASKMOVPS under the mask of lanes
// below k mod 8 (masked loads do not fault).
TEXT ·dot2x4avx2(SB), NOSPLIT, $0-88
	MOVQ a0+32(FP), SI
	MOVQ a1+40(FP), DI
	MOVQ b0+48(FP), R8
	MOVQ b1+56(FP), R9
	MOVQ b2+64(FP), R10
	MOVQ b3+72(FP), R11
	MOVQ acc+80(FP), DX
	VMOVUPS 0(DX), Y8
	VMOVUPS 32(DX), Y9
	VMOVUPS 64(DX), Y10
	VMOVUPS 96(DX), Y11
	VMOVUPS 128(DX), Y12
	VMOVUPS 160(DX), Y13
	VMOVUPS 192(DX), Y14
	VMOVUPS 224(DX), Y15
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
	VMOVUPS Y8, 0(DX)
	VMOVUPS Y9, 32(DX)
	VMOVUPS Y10, 64(DX)
	VMOVUPS Y11, 96(DX)
	VMOVUPS Y12, 128(DX)
	VMOVUPS Y13, 160(DX)
	VMOVUPS Y14, 192(DX)
	VMOVUPS Y15, 224(DX)
	VZEROUPPER
	RET
