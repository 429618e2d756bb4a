package ingest

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// SidecarSuffix marks the file that describes another: photo.jpg.meta.yaml describes photo.jpg.
// A sidecar is not evidence itself.
const SidecarSuffix = ".meta.yaml"

// Describe is what the user says of the items of an add: flags, or a sidecar for one file.
type Describe struct {
	Title      string `yaml:"title"`
	Purpose    string `yaml:"purpose"`
	Source     string `yaml:"source"`
	Time       string `yaml:"time"`
	Kind       string `yaml:"kind"`
	Holder     string `yaml:"holder"`
	HolderRole string `yaml:"holder_role"`
}

// Holder roles a user may give.
const (
	HolderFamily     = "family"
	HolderThirdParty = "third-party"
)

// Check validates the fields that have a fixed set of values.
func (d *Describe) Check(loc *time.Location) error {
	switch d.HolderRole {
	case "", HolderFamily, HolderThirdParty:
	default:
		return fmt.Errorf("holder role %q: use family or third-party", d.HolderRole)
	}
	if d.HolderRole != "" && d.Holder == "" {
		return fmt.Errorf("holder role %q needs a holder name", d.HolderRole)
	}
	if d.Time != "" {
		if _, err := ParseUserTime(d.Time, loc); err != nil {
			return err
		}
	}
	return nil
}

// merge returns d with the fields o sets replaced (o is more specific).
func (d Describe) merge(o Describe) Describe {
	set := func(dst *string, v string) {
		if v != "" {
			*dst = v
		}
	}
	set(&d.Title, o.Title)
	set(&d.Purpose, o.Purpose)
	set(&d.Source, o.Source)
	set(&d.Time, o.Time)
	set(&d.Kind, o.Kind)
	set(&d.Holder, o.Holder)
	set(&d.HolderRole, o.HolderRole)
	return d
}

// readSidecar reads <path>.meta.yaml when it exists.
func readSidecar(path string) (Describe, bool, error) {
	f, err := os.Open(path + SidecarSuffix)
	if err != nil {
		return Describe{}, false, nil
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, 1<<20))
	if err != nil {
		return Describe{}, true, fmt.Errorf("%s: %w", path+SidecarSuffix, err)
	}
	var d Describe
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&d); err != nil && err != io.EOF {
		return Describe{}, true, fmt.Errorf("%s: %s", path+SidecarSuffix, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	return d, true, nil
}

// ParseUserTime reads a time given by the user: RFC 3339, or a local "2006-01-02 15:04[:05]" or
// a date in the case zone.
func ParseUserTime(s string, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	for _, layout := range []string{"2006-01-02 15:04:05", "2006-01-02T15:04:05", "2006-01-02 15:04", "2006-01-02T15:04", "2006-01-02", "2006/01/02 15:04:05", "2006/01/02 15:04", "2006/01/02"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("time %q: write it as 2025-01-28 23:32 or RFC 3339", s)
}
