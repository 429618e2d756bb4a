package caseconf

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/dossier-tool/dossier/dossier/money"
)

// case.yaml is written by hand, so its errors point at the line to fix and say what would be
// right there. This file holds the checks that run on the YAML tree before it is decoded: the
// yaml package's own messages name Go types ("field asof not found in type caseconf.Case") and,
// for parser errors, a line one too early.

// yamlLineRE finds the line number yaml puts in its syntax errors.
var yamlLineRE = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

// syntaxError rewrites a yaml syntax error: the line made 1-based where the parser reports it
// 0-based, and the offending line quoted.
func syntaxError(err error, data []byte) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	m := yamlLineRE.FindStringSubmatch(msg)
	if m == nil {
		return fmt.Errorf("%w: %s", ErrInvalid, msg)
	}
	n, _ := strconv.Atoi(m[1])
	problem := m[2]
	// The parser (as opposed to the scanner) reports the 0-based line of its mark, so the
	// mistake is on the next line: "did not find expected key" for a key indented one space less
	// than its neighbours is reported on the line above it. A tab in the indentation is found
	// while scanning the line before it. Scanner errors already count from 1.
	if parserProblem(problem) {
		n++
	}
	lines := bytes.Split(data, []byte("\n"))
	quote := ""
	if n >= 1 && n <= len(lines) {
		if l := strings.TrimRight(string(lines[n-1]), "\r"); strings.TrimSpace(l) != "" {
			quote = fmt.Sprintf(" (the line reads %q)", l)
			if strings.Contains(l[:len(l)-len(strings.TrimLeft(l, " \t"))], "\t") {
				quote += "; indent with spaces, not tabs"
			}
		}
	}
	return fmt.Errorf("%w: line %d: %s%s", ErrInvalid, n, problem, quote)
}

func parserProblem(p string) bool {
	switch {
	case strings.HasPrefix(p, "did not find expected key"), strings.HasPrefix(p, "did not find expected '-' indicator"),
		strings.HasPrefix(p, "did not find expected ','"), strings.HasPrefix(p, "did not find expected node content"),
		strings.HasPrefix(p, "did not find expected <document start>"),
		strings.HasPrefix(p, "found a tab character that violates indentation"):
		return true
	}
	return false
}

var (
	dateType   = reflect.TypeFor[Date]()
	amountType = reflect.TypeFor[money.Amount]()
	instType   = reflect.TypeFor[Installments]()
)

// check walks node against the Go type it will be decoded into: every mapping key must be a
// field (else the error names the key, its line and the closest valid key), every amount and
// date must read exactly, and a value written in another form than the documented one is noted
// with how it was read.
func check(n *yaml.Node, t reflect.Type, path string, notes *[]string) error {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	switch t {
	case dateType:
		return checkDate(n, path, notes)
	case amountType:
		return checkAmount(n, path, notes)
	case instType:
		if n.Kind == yaml.SequenceNode {
			return check(n, reflect.TypeFor[[]Installment](), path, notes)
		}
	}
	switch t.Kind() {
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			if n.Tag == "!!null" {
				return nil
			}
			return fmt.Errorf("%w: line %d: %s: expected a mapping of keys (key: value), found %s", ErrInvalid, n.Line, path, describe(n))
		}
		fields := yamlFields(t)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			ft, ok := fields[k.Value]
			if !ok {
				return unknownKey(k, path, fields)
			}
			if err := check(v, ft, join(path, k.Value), notes); err != nil {
				return err
			}
		}
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			return nil // the decoder names the mismatch with its line
		}
		for i, c := range n.Content {
			if err := check(c, t.Elem(), fmt.Sprintf("%s[%d]", path, i), notes); err != nil {
				return err
			}
		}
	}
	return nil
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		return strconv.Quote(n.Value)
	}
	return "something else"
}

// yamlFields maps each yaml key of a struct to its field type.
func yamlFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		out[name] = f.Type
	}
	return out
}

func unknownKey(k *yaml.Node, path string, fields map[string]reflect.Type) error {
	valid := make([]string, 0, len(fields))
	for name := range fields {
		valid = append(valid, name)
	}
	sort.Strings(valid)
	where := "at the top level"
	if path != "" {
		where = "under " + path
	}
	msg := fmt.Sprintf("line %d: unknown key %q %s", k.Line, k.Value, where)
	if best := closest(k.Value, valid); best != "" {
		return fmt.Errorf("%w: %s (did you mean %s?)", ErrInvalid, msg, best)
	}
	return fmt.Errorf("%w: %s (known keys: %s)", ErrInvalid, msg, strings.Join(valid, ", "))
}

// closest is the valid key nearest to s by edit distance, ignoring case, dashes and underscores,
// when it is near enough to be a slip rather than another word.
func closest(s string, valid []string) string {
	norm := func(x string) string {
		return strings.NewReplacer("_", "", "-", "", " ", "").Replace(strings.ToLower(x))
	}
	best, bestD := "", 1<<30
	for _, v := range valid {
		if d := editDistance(norm(s), norm(v)); d < bestD {
			best, bestD = v, d
		}
	}
	if bestD <= max(1, len([]rune(s))/3) {
		return best
	}
	return ""
}

// editDistance counts insertions, deletions, substitutions and swaps of two neighbours (the
// optimal string alignment distance), so "nmae" is one slip from "name".
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}

func scalar(n *yaml.Node) (string, bool) {
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		return "", false
	}
	return strings.TrimSpace(n.Value), true
}

// checkAmount reads an amount exactly, in fen. The documented form is a decimal string with two
// places ("1000.00"); 1000, "1,000.00", 1000元 and ¥1000 are what people write and are read the
// same, with a note saying so. Anything that is not a whole number of fen is refused.
func checkAmount(n *yaml.Node, path string, notes *[]string) error {
	v, ok := scalar(n)
	if !ok {
		if n.Kind == yaml.ScalarNode {
			return nil
		}
		return fmt.Errorf("%w: line %d: %s: expected an amount such as \"1000.00\", found %s", ErrInvalid, n.Line, path, describe(n))
	}
	a, err := money.Parse(v)
	if err != nil {
		why := "write it as a decimal such as \"1000.00\""
		if _, frac, ok := strings.Cut(strings.TrimRight(v, "元 "), "."); ok && len(frac) > 2 && digitsOnly(frac) {
			why = "an amount has at most two decimal places (fen)"
		}
		return fmt.Errorf("%w: line %d: %s: amount %q: %s", ErrInvalid, n.Line, path, v, why)
	}
	if v != a.String() {
		*notes = append(*notes, fmt.Sprintf("case.yaml line %d: %s %q read as %s", n.Line, path, v, a.String()))
	}
	return nil
}

func digitsOnly(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

var dateShapeRE = regexp.MustCompile(`^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$`)

// checkDate reads a date. YYYY-MM-DD is the documented form; 2025/01/29, 2025-2-10 and
// 2025年4月15日 are read too, with a note; a day the calendar does not have is refused.
func checkDate(n *yaml.Node, path string, notes *[]string) error {
	v, ok := scalar(n)
	if !ok || v == "" {
		return nil
	}
	d, err := ParseDate(v)
	if err != nil {
		why := "write it as YYYY-MM-DD, e.g. 2025-01-29"
		if m := dateShapeRE.FindStringSubmatch(v); m != nil {
			why = fmt.Sprintf("there is no day %s-%s-%s (month 1–12, day within the month)", m[1], m[2], m[3])
		}
		return fmt.Errorf("%w: line %d: %s: date %q: %s", ErrInvalid, n.Line, path, v, why)
	}
	if v != d.String() {
		*notes = append(*notes, fmt.Sprintf("case.yaml line %d: %s %q read as %s", n.Line, path, v, d.String()))
	}
	return nil
}

// decodeError cleans what the decoder says when the tree passed check: a value of the wrong type
// for an int or string field. The yaml package already puts the line first.
func decodeError(err error) error {
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		msg := te.Errors[0]
		msg = regexp.MustCompile(` into [a-z0-9.*\[\]]+$`).ReplaceAllString(msg, "")
		msg = strings.Replace(msg, "cannot unmarshal", "cannot read", 1)
		return fmt.Errorf("%w: %s", ErrInvalid, msg)
	}
	return fmt.Errorf("%w: %s", ErrInvalid, cleanYAMLError(err))
}
