package application_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/connectbot/connectbot/internal/application"
)

func TestPlural(t *testing.T) {
	tests := []struct {
		name string
		n    int
		word string
		want string
	}{
		{"one day is singular", 1, "day", "1 day"},
		{"two days are plural", 2, "day", "2 days"},
		{"no feedback items are plural", 0, "feedback item", "0 feedback items"},
		{"thirty days, the default listing period, are plural", 30, "day", "30 days"},
		{"minus one day is singular", -1, "day", "-1 day"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, application.Plural(tc.n, tc.word)); diff != "" {
				t.Errorf("Plural(%d, %q) (-want +got):\n%s", tc.n, tc.word, diff)
			}
		})
	}
}
