package caseconf

import (
	"strings"

	"github.com/dossier-tool/dossier/dossier/phone"
)

// ContactBook answers Contact for one pass over many events: the contacts' numbers are normalised
// once, and each counterpart's answer is remembered, where Contact normalises every contact's
// number on every call (for a timeline of a million calls, most of a renderer's time). It sees
// the contacts as they were when it was made and is not safe for concurrent use.
type ContactBook struct {
	contacts []Contact
	numbers  []string // normalised Number of each contact, "" when it has none
	memo     map[string]int32
}

// memoLimit bounds the counterparts a book remembers, so a timeline of countless distinct
// numbers costs a bounded map and then the plain lookup.
const memoLimit = 1 << 16

// ContactBook makes a book of the case's contacts as they are now.
func (c *Case) ContactBook() *ContactBook {
	b := &ContactBook{memo: map[string]int32{}}
	if c == nil {
		return b
	}
	b.contacts = append([]Contact(nil), c.Contacts...)
	b.numbers = make([]string, len(b.contacts))
	for i, ct := range b.contacts {
		if ct.Number != "" {
			b.numbers[i] = phone.Normalize(ct.Number)
		}
	}
	return b
}

// Contact is Case.Contact with the book's contacts.
func (b *ContactBook) Contact(counterpart string) (Contact, bool) {
	if counterpart == "" {
		return Contact{}, false
	}
	i, ok := b.memo[counterpart]
	if !ok {
		i = int32(findContact(b.contacts, counterpart, func(i int) string { return b.numbers[i] }))
		if len(b.memo) < memoLimit {
			b.memo[counterpart] = i
		}
	}
	if i < 0 {
		return Contact{}, false
	}
	return b.contacts[i], true
}

// findContact is the index of the contact counterpart belongs to, or -1: numbers (number(i) is
// contact i's normalised), chat ids and e-mail addresses first, in the contacts' order, then
// display names, which chat exports without ids (WeChat TXT) give instead.
func findContact(contacts []Contact, counterpart string, number func(i int) string) int {
	cp := phone.Normalize(counterpart)
	for i, ct := range contacts {
		switch {
		case ct.Number != "" && number(i) == cp:
			return i
		case ct.Wechat != "" && ct.Wechat == counterpart:
			return i
		case ct.Email != "" && strings.EqualFold(ct.Email, counterpart):
			return i
		}
	}
	for i, ct := range contacts {
		if ct.Name != "" && ct.Name == counterpart {
			return i
		}
	}
	return -1
}
