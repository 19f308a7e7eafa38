#include "textflag.h"

// func narrowAVX512(dst, src *float32, rows, ow, wq int, b, lo float32)
//
// For each of rows rows: dst[j] = max(src[j] + b, lo) for j < ow, then src
// advances wq values and dst ow. Whole vectors of 16, then the ow mod 16
// left under the mask K1 (masked loads and stores touch no other memory).
// VMAXPS takes the sum as its second source (first operand in Go's order),
// which it returns when either is a NaN, so a NaN stays NaN.
TEXT ·narrowAVX512(SB), NOSPLIT, $0-48
	MOVQ         dst+0(FP), DI
	MOVQ         src+8(FP), SI
	MOVQ         rows+16(FP), R8
	MOVQ         ow+24(FP), R9
	MOVQ         wq+32(FP), R10
	VBROADCASTSS b+40(FP), Z1
	VBROADCASTSS lo+44(FP), Z2
	MOVQ         R9, CX
	ANDQ         $15, CX
	MOVL         $1, AX
	SHLL         CX, AX
	DECL         AX
	KMOVW        AX, K1
	MOVQ         R9, R11
	ANDQ         $-16, R11

row:
	XORQ AX, AX
	CMPQ R11, $0
	JEQ  tail

full:
	VADDPS  (SI)(AX*4), Z1, Z0
	VMAXPS  Z0, Z2, Z0
	VMOVUPS Z0, (DI)(AX*4)
	ADDQ    $16, AX
	CMPQ    AX, R11
	JLT     full

tail:
	TESTQ     CX, CX
	JZ        next
	VMOVUPS.Z (SI)(AX*4), K1, Z0
	VADDPS    Z1, Z0, Z0
	VMAXPS    Z0, Z2, Z0
	VMOVUPS   Z0, K1, (DI)(AX*4)

next:
	LEAQ (SI)(R10*4), SI
	LEAQ (DI)(R9*4), DI
	DECQ R8
	JNZ  row
	VZEROUPPER
	RET
