package train

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"sort"
	"strconv"

	"github.com/genmodel/genmodel/internal/atomicfile"
)

// Record is one line of metrics.jsonl: the step count and named values.
type Record struct {
	Step   int
	Values map[string]float64
}

// MarshalJSON writes {"step":n, ...} with the other keys sorted. Non-finite
// values, which JSON cannot hold, are written as strings ("NaN", "+Inf").
func (r Record) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	fmt.Fprintf(&b, `{"step":%d`, r.Step)
	keys := make([]string, 0, len(r.Values))
	for k := range r.Values {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		kj, _ := json.Marshal(k)
		v := r.Values[k]
		if math.IsNaN(v) || math.IsInf(v, 0) {
			fmt.Fprintf(&b, `,%s:"%v"`, kj, v)
			continue
		}
		fmt.Fprintf(&b, `,%s:%s`, kj, strconv.FormatFloat(v, 'g', -1, 64))
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// UnmarshalJSON reads a line written by MarshalJSON.
func (r *Record) UnmarshalJSON(data []byte) error {
	var raw map[string]any
	if err := json.Unmarshal(data, &raw); err != nil {
		return err
	}
	r.Values = map[string]float64{}
	for k, v := range raw {
		var f float64
		switch x := v.(type) {
		case float64:
			f = x
		case string:
			var err error
			if f, err = strconv.ParseFloat(x, 64); err != nil {
				return fmt.Errorf("metric %q: %w", k, err)
			}
		default:
			return fmt.Errorf("metric %q has type %T", k, v)
		}
		if k == "step" {
			r.Step = int(f)
			continue
		}
		r.Values[k] = f
	}
	return nil
}

// ReadMetrics reads a metrics.jsonl file. A missing file gives no records.
func ReadMetrics(path string) ([]Record, error) {
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []Record
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for line := 1; sc.Scan(); line++ {
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		var r Record
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			return out, fmt.Errorf("%s:%d: %w", path, line, err)
		}
		out = append(out, r)
	}
	return out, sc.Err()
}

// truncateMetrics keeps the records of steps ≤ step, so that a resumed run
// does not log twice the steps between its checkpoint and a crash.
func truncateMetrics(path string, step int) ([]Record, error) {
	recs, err := ReadMetrics(path)
	if err != nil {
		return nil, err
	}
	keep := recs[:0]
	for _, r := range recs {
		if r.Step <= step {
			keep = append(keep, r)
		}
	}
	var b bytes.Buffer
	for _, r := range keep {
		j, _ := r.MarshalJSON()
		b.Write(j)
		b.WriteByte('\n')
	}
	return keep, atomicfile.WriteBytes(path, b.Bytes())
}
