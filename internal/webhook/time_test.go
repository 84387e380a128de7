package webhook

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestParseTime(t *testing.T) {
	at := time.Date(2019, 5, 15, 15, 20, 33, 0, time.UTC)
	tests := []struct {
		name, raw string
		want      time.Time
	}{
		{"RFC 3339 with Z, as most payloads write it", `"2019-05-15T15:20:33Z"`, at},
		{"RFC 3339 with an offset", `"2019-05-15T08:20:33-07:00"`, at},
		{"RFC 3339 with a fraction of a second", `"2019-05-15T15:20:33.250Z"`, at.Add(250 * time.Millisecond)},
		{"RFC 3339 with a fraction and an offset", `"2019-05-15T17:20:33.5+02:00"`, at.Add(500 * time.Millisecond)},
		{"Unix seconds, as push payloads write pushed_at", `1557933633`, at},
		{"Unix seconds with a fraction", `1557933633.25`, at.Add(250 * time.Millisecond)},
		{"Unix seconds in exponent form", `1.557933633e9`, at},
		{"a space instead of T and no zone, as an App's created_at once was", `"2019-05-15 15:20:33"`, at},
		{"slashes and an offset, as the oldest push payloads wrote it", `"2019/05/15 08:20:33 -0700"`, at},
		{"a space and an offset", `"2019-05-15 17:20:33 +0200"`, at},
		{"null is no time", `null`, time.Time{}},
		{"an absent field is no time", ``, time.Time{}},
		{"an empty string is no time", `""`, time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseTime(json.RawMessage(tt.raw))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("time (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseTimeRefusesWhatIsNoTime(t *testing.T) {
	tests := []struct{ name, raw, want string }{
		{"a word", `"yesterday"`, `"yesterday" is neither an RFC 3339 time nor another form GitHub has used`},
		{"a date alone", `"2019-05-15"`, `"2019-05-15" is neither an RFC 3339 time nor another form GitHub has used`},
		{"a boolean", `true`, `true is neither a time nor a number of seconds`},
		{"an object", `{"seconds":1}`, `{"seconds":1} is neither a time nor a number of seconds`},
		{"a number too large for a time", `1e300`, `1e300 is not a number of seconds since 1970`},
		{"a long value, cut in the message", `"` + strings.Repeat("x", 60) + `"`,
			`"` + strings.Repeat("x", 39) + `… is neither an RFC 3339 time nor another form GitHub has used`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseTime(json.RawMessage(tt.raw))
			if err == nil {
				t.Fatal("accepted")
			}
			if diff := cmp.Diff(tt.want, err.Error()); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
		})
	}
}

// FuzzParseTime feeds parseTime arbitrary values: a time or an error,
// never a panic, and a time it reads as a string reads the same again in
// RFC 3339.
func FuzzParseTime(f *testing.F) {
	for _, seed := range []string{`"2019-05-15T15:20:33Z"`, `1557933633`, `1557933633.25`, `"2018-04-25 20:42:10"`,
		`"2011/01/26 19:06:43 -0800"`, `null`, `"2019-05-15T17:20:33.5+02:00"`} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		got, err := parseTime(raw)
		if err != nil || got.IsZero() {
			return
		}
		again, err := parseTime(json.RawMessage(`"` + got.Format(time.RFC3339Nano) + `"`))
		if err != nil {
			// Years past 9999 have no RFC 3339 form.
			if got.Year() > 9999 || got.Year() < 0 {
				return
			}
			t.Fatalf("%s read as %v, whose RFC 3339 form does not read: %v", raw, got, err)
		}
		if !again.Equal(got) {
			t.Fatalf("%s read as %v, and its RFC 3339 form as %v", raw, got, again)
		}
	})
}
