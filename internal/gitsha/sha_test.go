package gitsha_test

import (
	"testing"

	"github.com/connectbot/connectbot/internal/gitsha"
)

func TestShort(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"a full commit name keeps seven digits", "5f2c9e1d0b7a4c3e8f6a1b2c3d4e5f6a7b8c9d0e", "5f2c9e1"},
		{"seven digits stay as they are", "5f2c9e1", "5f2c9e1"},
		{"a shorter name is returned whole", "5f2c", "5f2c"},
		{"no name stays empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := gitsha.Short(tt.in); got != tt.want {
				t.Errorf("Short(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
