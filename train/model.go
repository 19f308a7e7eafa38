package train

import (
	"math/rand/v2"

	"github.com/genmodel/genmodel/data"
	"github.com/genmodel/genmodel/nn"
)

// Model is anything the trainer can train.
type Model interface {
	// Params lists the trainable parameters in a fixed order.
	Params() *nn.Params
	// Objective builds the training loss graph for batches of batch images.
	Objective(batch int) (Objective, error)
}

// Objective is a model's loss graph for one batch shape.
type Objective interface {
	// Graph is the graph holding Loss and Metrics.
	Graph() *nn.Graph
	// Loss is a scalar node: the batch mean of the per-example loss to
	// minimise, in nats (e.g. the negative ELBO).
	Loss() *nn.Node
	// Metrics are scalar nodes logged beside the loss, by name.
	Metrics() map[string]*nn.Node
	// Feed sets the graph's inputs for batch x, drawing any noise the
	// objective needs (such as the reparameterisation ε) from rng.
	Feed(x data.Images, rng *rand.Rand) error
}

// Scheduled is implemented by an Objective whose loss changes with the
// training step, such as one with a KL warm-up. Before feeding each
// training batch, the trainer calls SetStep with the number of steps taken
// so far (0 for the first), so that a resumed run continues the schedule.
type Scheduled interface {
	SetStep(step int)
}
