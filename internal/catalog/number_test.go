package catalog

import (
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestANumberOutOfRangeNamesTheFieldAndTheRange is issue 14's "a number
// out of range gets a message that names the field and the range": CUE's
// integers are unbounded, so a number too large for connectbot to hold
// passes the schema's bounds and once failed to decode with an empty
// message at line 1.
func TestANumberOutOfRangeNamesTheFieldAndTheRange(t *testing.T) {
	const app = `company: {name: "Acme"}
maintainers: ["acme-dev"]
integration: {name: "Acme Sync", auth: "oauth2"}
support: {channels: ["ticket"], firstResponseHours: HOURS, url: "https://a.example"}
program: {stage: "applied", installs: {count: COUNT, asOf: "2026-11-01"}}
`
	tests := []struct {
		name, hours, count string
		want               string // "path line:column message"; "" for a file that loads
	}{
		{"numbers in range load", "24", "12", ""},
		{"the largest whole number loads", "24", "9223372036854775807", ""},
		{"an install count one past the largest is refused at its field", "24", "9223372036854775808",
			"program.installs.count 5:47 program.installs.count is 9223372036854775808, out of range: it must be a whole number between -9223372036854775808 and 9223372036854775807"},
		{"twenty digits of first-response hours are refused at their field", "99999999999999999999", "12",
			"support.firstResponseHours 4:53 support.firstResponseHours is 99999999999999999999, out of range: it must be a whole number between -9223372036854775808 and 9223372036854775807"},
		{"a negative count keeps the schema's own message", "24", "-1",
			"program.installs.count 5:47 installs.count must be a whole number, zero or more"},
	}
	c := defaultCatalog(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := strings.NewReplacer("HOURS", tt.hours, "COUNT", tt.count).Replace(app)
			f := c.Application("applications/a.cue", []byte(src))
			var got []string
			for _, x := range f.Findings {
				if x.Rule == RuleSchema {
					got = append(got, x.Path+" "+itoa(x.Line)+":"+itoa(x.Column)+" "+x.Message)
				}
			}
			var want []string
			if tt.want != "" {
				want = []string{tt.want}
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("schema findings (-want +got):\n%s", diff)
			}
			if (f.App == nil) != (tt.want != "") {
				t.Errorf("decoded = %v, want %v", f.App != nil, tt.want == "")
			}
		})
	}
}

// TestAProgramNumberOutOfRangeNamesTheFieldAndTheRange is the same for
// program.cue, where a bad number stops every command with one line.
func TestAProgramNumberOutOfRangeNamesTheFieldAndTheRange(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"a window of twenty digits is refused at its field", "installWindowDays: 99999999999999999999\n",
			"program.cue:1:20: installWindowDays is 99999999999999999999, out of range: it must be a whole number between -9223372036854775808 and 9223372036854775807"},
		{"a reminder offset of zero names the offset and its range, not the default's length", "reminderDays: [7, 0]\n",
			"program.cue:1:19: reminderDays[1]: must be a whole number, one or more"},
		{"a threshold below one names its range", "certificationInstalls: -4\n",
			"program.cue:1:24: certificationInstalls: must be a whole number, one or more"},
	}
	c := defaultCatalog(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.Program("program.cue", []byte(tt.src))
			if err == nil || err.Error() != tt.want {
				t.Errorf("error %v\nwant %s", err, tt.want)
			}
		})
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
