// Package dossier turns the evidence of a debt-collection dispute into a complaint packet that
// holds up: every original preserved and hashed, numbered, placed on one timeline, the collector's
// rule breaches counted, and documents anyone can verify.
//
// This package is the small surface the command line uses; the work is done in its
// sub-packages, in pipeline order:
//
//	caseconf    case.yaml: parties, contacts and their roles, the agreement, the rules
//	store       content-addressed, read-only originals
//	casefolder  the case folder: index, custody log, journaled commits, lock
//	parse/...   one package per input format, each turning an original into events
//	ingest      detect, hash, store, parse, number
//	timeline    one merged, de-duplicated timeline
//	findings    rule checks and the agreement schedule
//	render/...  the PDF packet and the Excel workbook
//	bag         the BagIt bag
//	verify      re-checks a case, a bag or a packet
package dossier

import (
	"context"
	"fmt"
	"time"

	"github.com/dossier-tool/dossier/dossier/caseconf"
	"github.com/dossier-tool/dossier/dossier/casefolder"
	"github.com/dossier-tool/dossier/dossier/event"
	"github.com/dossier-tool/dossier/dossier/evidence"
	"github.com/dossier-tool/dossier/dossier/findings"
	"github.com/dossier-tool/dossier/dossier/ingest"
	"github.com/dossier-tool/dossier/dossier/parse/formats"
	"github.com/dossier-tool/dossier/dossier/timeline"
)

// InitOptions describe a new case.
type InitOptions = casefolder.InitOptions

// Init creates a case folder with a commented case.yaml.
func Init(dir string, opt InitOptions) (*Case, error) {
	f, err := casefolder.Init(dir, opt)
	if err != nil {
		return nil, err
	}
	return &Case{Folder: f}, nil
}

// Case is an open case folder.
type Case struct {
	Folder *casefolder.Folder
}

// Open opens the case in dir.
func Open(dir string) (*Case, error) {
	f, err := casefolder.Open(dir)
	if err != nil {
		return nil, err
	}
	return &Case{Folder: f}, nil
}

// LockOptions say how long to wait for another process writing the same case.
type LockOptions struct {
	Wait    time.Duration
	Command string
	// Waiting is called once when another process holds the lock, with its description.
	Waiting func(holder string)
}

// Write runs fn holding the case's writer lock, after finishing or rolling back anything a
// crashed run left behind. notes receives what the recovery did.
func (c *Case) Write(ctx context.Context, lo LockOptions, notes func(string), fn func() error) error {
	if lo.Wait == 0 {
		lo.Wait = 10 * time.Minute
	}
	unlock, err := c.Folder.Lock(ctx, lo.Wait, lo.Command, lo.Waiting)
	if err != nil {
		return err
	}
	defer unlock()
	done, err := c.Folder.Recover()
	for _, n := range done {
		if notes != nil {
			notes(n)
		}
	}
	if err != nil {
		return fmt.Errorf("recover interrupted work: %w", err)
	}
	return fn()
}

// AddOptions control an add.
type AddOptions struct {
	ingest.Describe
	Lock     LockOptions
	Progress ingest.Progress
	Notes    func(string)
}

// Add ingests files and folders into the case.
func (c *Case) Add(ctx context.Context, paths []string, opt AddOptions) (*ingest.Report, error) {
	conf, err := c.Folder.Case()
	if err != nil {
		return nil, err
	}
	var rep *ingest.Report
	err = c.Write(ctx, opt.Lock, opt.Notes, func() error {
		var err error
		rep, err = ingest.Add(c.Folder, conf, paths, ingest.Options{Describe: opt.Describe, Parsers: formats.All(), Progress: opt.Progress})
		return err
	})
	return rep, err
}

// EditOptions control an edit.
type EditOptions struct {
	ingest.EditOptions
	Lock  LockOptions
	Notes func(string)
}

// Edit changes the description of one exhibit (never its bytes), custody-logged.
func (c *Case) Edit(ctx context.Context, exhibit int, opt EditOptions) (*ingest.EditResult, error) {
	conf, err := c.Folder.Case()
	if err != nil {
		return nil, err
	}
	var res *ingest.EditResult
	err = c.Write(ctx, opt.Lock, opt.Notes, func() error {
		var err error
		res, err = ingest.Edit(c.Folder, conf, exhibit, opt.EditOptions)
		return err
	})
	return res, err
}

// Items lists the items by exhibit number.
func (c *Case) Items() ([]evidence.Item, error) { return c.Folder.Items() }

// Timeline returns case.yaml and the merged timeline.
func (c *Case) Timeline() (*caseconf.Case, []event.Event, error) {
	conf, err := c.Folder.Case()
	if err != nil {
		return nil, nil, err
	}
	items, err := c.Folder.Items()
	if err != nil {
		return nil, nil, err
	}
	evs, err := timeline.Build(conf, items, c.Folder.Events)
	return conf, evs, err
}

// Findings evaluates the rules over the timeline; now decides as_of when case.yaml does not.
func (c *Case) Findings(now time.Time) (*caseconf.Case, *findings.Report, error) {
	conf, evs, err := c.Timeline()
	if err != nil {
		return nil, nil, err
	}
	return conf, findings.Evaluate(conf, evs, now), nil
}

// Bundle reads everything the renderers need, with the merged timeline.
func (c *Case) Bundle() (*evidence.Bundle, error) {
	b, err := c.Folder.Bundle()
	if err != nil {
		return nil, err
	}
	evs, err := timeline.Build(b.Case, b.Items, c.Folder.Events)
	if err != nil {
		return nil, err
	}
	b.Events = evs
	return b, nil
}
