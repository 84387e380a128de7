package policy_test

import (
	"testing"

	"github.com/connectbot/connectbot/internal/policy"
)

func TestSlugKey(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"a slug is its own key", "northwind-notes", "northwind-notes"},
		{"capitals fold", "Northwind-Notes", "northwind-notes"},
		{"a non-breaking hyphen reads as a hyphen", "northwind\u2011notes", "northwind-notes"},
		{"a minus sign reads as a hyphen", "northwind\u2212notes", "northwind-notes"},
		{"a Cyrillic letter reads as its Latin look-alike", "n\u043erthwind-notes", "northwind-notes"},
		{"a zero-width space is not seen", "north\u200bwind-notes", "northwind-notes"},
		{"fullwidth letters read as plain ones", "ａｃｍｅ", "acme"},
		{"doubled hyphens read as one", "acme--sync", "acme-sync"},
		{"a word is its own key", "spam", "spam"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, want := policy.SlugKey(tt.in), policy.SlugKey(tt.want); got != want {
				t.Errorf("SlugKey(%+q) = %q, want SlugKey(%q) = %q", tt.in, got, tt.want, want)
			}
		})
	}
}

func TestHasDash(t *testing.T) {
	tests := []struct {
		name, in string
		want     bool
	}{
		{"a hyphen-minus", "acme-sync", true},
		{"a hyphen (U+2010)", "acme\u2010sync", true},
		{"a non-breaking hyphen (U+2011)", "acme\u2011sync", true},
		{"an en dash (U+2013)", "acme\u2013sync", true},
		{"an em dash (U+2014)", "\u2014", true},
		{"a minus sign (U+2212)", "acme\u2212sync", true},
		{"a modifier letter minus (U+02D7)", "acme\u02d7sync", true},
		{"a fullwidth hyphen-minus", "acme\uff0dsync", true},
		{"a plain word", "spam", false},
		{"an underscore", "acme_sync", false},
		{"a full stop", "acme.sync", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := policy.HasDash(tt.in); got != tt.want {
				t.Errorf("HasDash(%+q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}
