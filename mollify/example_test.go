package mollify_test

import (
	"fmt"

	"github.com/genmodel/genmodel/mollify"
)

func ExampleSigmoid() {
	s, err := mollify.Sigmoid(0, 3, 0.7) // the paper's schedule
	if err != nil {
		panic(err)
	}
	for _, t := range []float64{0, 0.25, 0.5, 0.75, 1} {
		fmt.Printf("s(%.2f) = %.4f\n", t, s.S(t))
	}
	// Output:
	// s(0.00) = 1.0000
	// s(0.25) = 0.4966
	// s(0.50) = 0.1880
	// s(0.75) = 0.0515
	// s(1.00) = 0.0000
}

func ExampleNew() {
	m, err := mollify.New(mollify.Config{Kind: "gaussian", Schedule: "cosine"})
	if err != nil {
		panic(err)
	}
	fmt.Println(m)
	// In the training loop: x = m.Apply(x, float64(step)/float64(steps), rng)
	for _, progress := range []float64{0, 0.15, 0.3, 0.45, 0.6, 0.9} {
		fmt.Printf("progress %.2f: s = %.4f\n", progress, m.Level(progress))
	}
	// Output:
	// gaussian(schedule=cosine(start=0,end=1,tau=1),frac=0.6)
	// progress 0.00: s = 1.0000
	// progress 0.15: s = 0.8536
	// progress 0.30: s = 0.5000
	// progress 0.45: s = 0.1464
	// progress 0.60: s = 0.0000
	// progress 0.90: s = 0.0000
}
