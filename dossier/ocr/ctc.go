package ocr

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// Dictionary is the recogniser's alphabet: class 0 is the CTC blank, classes 1..n the lines of
// the dictionary file, and the last class a space (PaddleOCR's use_space_char).
type Dictionary []string

// ReadDictionary reads a dictionary file of one character a line (ppocr_keys_v1.txt).
func ReadDictionary(r io.Reader) (Dictionary, error) {
	d := Dictionary{""}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		d = append(d, strings.TrimRight(sc.Text(), "\r"))
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read dictionary line %d: %w", len(d), err)
	}
	if len(d) == 1 {
		return nil, fmt.Errorf("read dictionary: no characters")
	}
	return append(d, " "), nil
}

// decodeCTC is greedy CTC decoding of one line: probs holds steps×classes probabilities (the
// recogniser ends in a softmax). The best class of each step is kept unless it is the blank or
// repeats the step before; the confidence is the mean probability of the kept steps (0 when
// nothing is kept).
func decodeCTC(probs []float32, steps, classes int, dict Dictionary) (string, float64) {
	var b strings.Builder
	var sum float64
	var n int
	prev := -1
	for t := range steps {
		row := probs[t*classes : (t+1)*classes]
		best, p := 0, row[0]
		for c, v := range row {
			if v > p {
				best, p = c, v
			}
		}
		if best != 0 && best != prev {
			if best < len(dict) {
				b.WriteString(dict[best])
			}
			sum += float64(p)
			n++
		}
		prev = best
	}
	if n == 0 {
		return "", 0
	}
	return b.String(), sum / float64(n)
}
