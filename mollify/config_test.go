package mollify_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/genmodel/genmodel/mollify"
)

func TestNewDefaults(t *testing.T) {
	for _, c := range []struct {
		cfg  mollify.Config
		want string
	}{
		{mollify.Config{}, "none"},
		{mollify.Config{Kind: "none"}, "none"},
		{mollify.Config{Kind: "gaussian"}, "gaussian(schedule=sigmoid(start=0,end=3,tau=0.7),frac=0.6)"},
		{mollify.Config{Kind: "blur"}, "blur(maxSigma=3,schedule=sigmoid(start=0,end=3,tau=0.7),frac=0.6)"},
		{mollify.Config{Kind: "gaussian", Schedule: "cosine", Frac: 1}, "gaussian(schedule=cosine(start=0,end=1,tau=1),frac=1)"},
		{mollify.Config{Kind: "blur", Schedule: "linear", MaxSigma: 2, Tau: 5}, "blur(maxSigma=2,schedule=linear,frac=0.6)"},
		{mollify.Config{Kind: "gaussian", Start: -3, End: 3, Tau: 1}, "gaussian(schedule=sigmoid(start=-3,end=3,tau=1),frac=0.6)"},
	} {
		m, err := mollify.New(c.cfg)
		if err != nil {
			t.Errorf("New(%+v): %v", c.cfg, err)
			continue
		}
		if got := m.String(); got != c.want {
			t.Errorf("New(%+v) = %s, want %s", c.cfg, got, c.want)
		}
	}
}

func TestNewErrors(t *testing.T) {
	for _, c := range []struct {
		cfg  mollify.Config
		want []string // substrings of the error: field and value
	}{
		{mollify.Config{Kind: "noise"}, []string{"Kind", "noise"}},
		{mollify.Config{Kind: "gaussian", Schedule: "exp"}, []string{"Schedule", "exp"}},
		{mollify.Config{Kind: "gaussian", Frac: -0.5}, []string{"Frac", "-0.5"}},
		{mollify.Config{Kind: "blur", Frac: 1.5}, []string{"Frac", "1.5"}},
		{mollify.Config{Kind: "gaussian", Tau: -1}, []string{"Tau", "-1"}},
		{mollify.Config{Kind: "gaussian", Schedule: "cosine", Tau: -2}, []string{"Tau", "-2"}},
		{mollify.Config{Kind: "gaussian", Start: 5}, []string{"End", "Start = 5"}},
		{mollify.Config{Kind: "gaussian", End: -1}, []string{"End = -1"}},
		{mollify.Config{Kind: "gaussian", Schedule: "cosine", End: 2}, []string{"End = 2"}},
		{mollify.Config{Kind: "gaussian", Schedule: "cosine", Start: -0.1}, []string{"Start = -0.1"}},
		{mollify.Config{Kind: "gaussian", Start: 100, End: 200}, []string{"degenerate", "100", "200"}},
		{mollify.Config{Kind: "blur", MaxSigma: -1}, []string{"MaxSigma", "-1"}},
	} {
		_, err := mollify.New(c.cfg)
		if err == nil {
			t.Errorf("New(%+v): no error", c.cfg)
			continue
		}
		for _, s := range c.want {
			if !strings.Contains(err.Error(), s) {
				t.Errorf("New(%+v): error %q does not mention %q", c.cfg, err, s)
			}
		}
	}
}

func TestConfigJSON(t *testing.T) {
	cfg := mollify.Config{Kind: "blur", Schedule: "cosine", Frac: 0.5, Tau: 2, MaxSigma: 1.5}
	b, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"kind":"blur","schedule":"cosine","frac":0.5,"start":0,"end":0,"tau":2,"max_sigma":1.5}`
	if string(b) != want {
		t.Errorf("JSON %s, want %s", b, want)
	}
	var back mollify.Config
	if err := json.Unmarshal(b, &back); err != nil || back != cfg {
		t.Errorf("round trip: %+v, %v", back, err)
	}
}
