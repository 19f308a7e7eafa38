#include "textflag.h"

// func dotAxpyAVX512(x, u, y *float64, n int, alpha float64) float64
// Σ x·u in two 8-lane accumulators (Z1, Z2), y += alpha·x; 16 values a turn.
TEXT ·dotAxpyAVX512(SB), NOSPLIT, $0-48
	MOVQ         x+0(FP), SI
	MOVQ         u+8(FP), DI
	MOVQ         y+16(FP), DX
	MOVQ         n+24(FP), CX
	VBROADCASTSD alpha+32(FP), Z0
	VPXORQ       Z1, Z1, Z1
	VPXORQ       Z2, Z2, Z2
	SHRQ         $4, CX
	JZ           done512

loop512:
	VMOVUPD     (SI), Z3
	VMOVUPD     64(SI), Z4
	VFMADD231PD (DI), Z3, Z1
	VFMADD231PD 64(DI), Z4, Z2
	VMOVUPD     (DX), Z5
	VMOVUPD     64(DX), Z6
	VFMADD231PD Z3, Z0, Z5
	VFMADD231PD Z4, Z0, Z6
	VMOVUPD     Z5, (DX)
	VMOVUPD     Z6, 64(DX)
	ADDQ        $128, SI
	ADDQ        $128, DI
	ADDQ        $128, DX
	DECQ        CX
	JNZ         loop512

done512:
	VADDPD        Z2, Z1, Z1
	VEXTRACTF64X4 $1, Z1, Y2
	VADDPD        Y2, Y1, Y1
	VEXTRACTF128  $1, Y1, X2
	VADDPD        X2, X1, X1
	VHADDPD       X1, X1, X1
	VZEROUPPER
	MOVSD         X1, ret+40(FP)
	RET

// func dotAxpyAVX2(x, u, y *float64, n int, alpha float64) float64
// The same with two 4-lane accumulators (Y1, Y2); 8 values a turn.
TEXT ·dotAxpyAVX2(SB), NOSPLIT, $0-48
	MOVQ         x+0(FP), SI
	MOVQ         u+8(FP), DI
	MOVQ         y+16(FP), DX
	MOVQ         n+24(FP), CX
	VBROADCASTSD alpha+32(FP), Y0
	VXORPD       Y1, Y1, Y1
	VXORPD       Y2, Y2, Y2
	SHRQ         $3, CX
	JZ           done2

loop2:
	VMOVUPD     (SI), Y3
	VMOVUPD     32(SI), Y4
	VFMADD231PD (DI), Y3, Y1
	VFMADD231PD 32(DI), Y4, Y2
	VMOVUPD     (DX), Y5
	VMOVUPD     32(DX), Y6
	VFMADD231PD Y3, Y0, Y5
	VFMADD231PD Y4, Y0, Y6
	VMOVUPD     Y5, (DX)
	VMOVUPD     Y6, 32(DX)
	ADDQ        $64, SI
	ADDQ        $64, DI
	ADDQ        $64, DX
	DECQ        CX
	JNZ         loop2

done2:
	VADDPD       Y2, Y1, Y1
	VEXTRACTF128 $1, Y1, X2
	VADDPD       X2, X1, X1
	VHADDPD      X1, X1, X1
	VZEROUPPER
	MOVSD        X1, ret+40(FP)
	RET
