package spelling

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestNearest(t *testing.T) {
	fields := []string{"name", "website"}
	scopes := []string{"crm.objects.companies.read", "crm.objects.contacts.read", "crm.objects.contacts.write", "tickets"}
	tests := []struct {
		name  string
		word  string
		known []string
		n     int
		want  []string
	}{
		{"a transposition finds the field", "webiste", fields, 1, []string{"website"}},
		{"case does not count as a difference", "WebSite", fields, 1, []string{"website"}},
		{"a word far from every name finds none", "intergration", fields, 1, []string{}},
		{"the closest come first, ties in the order known", "crm.objects.contact.read", scopes, 3,
			[]string{"crm.objects.contacts.read", "crm.objects.contacts.write", "crm.objects.companies.read"}},
		{"no more than asked", "crm.objects.contact.read", scopes, 1, []string{"crm.objects.contacts.read"}},
		{"a short word allows two edits", "tikets", scopes, 3, []string{"tickets"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, Nearest(tt.word, tt.known, tt.n)); diff != "" {
				t.Errorf("Nearest(%q) (-want +got):\n%s", tt.word, diff)
			}
		})
	}
}
