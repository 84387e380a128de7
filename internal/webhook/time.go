package webhook

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"time"
)

// timeLayouts are the ways GitHub has written a time as a string in
// payloads: RFC 3339 (with Z or an offset; time.Parse also takes a
// fraction of a second there), the App's created_at of older check_run
// payloads ("2018-04-25 20:42:10", UTC), and the slashed form of the
// oldest push payloads ("2011/01/26 19:06:43 -0800").
var timeLayouts = []string{
	time.RFC3339,
	"2006-01-02 15:04:05",
	"2006-01-02 15:04:05 -0700",
	"2006/01/02 15:04:05 -0700",
}

// parseTime reads a JSON value that holds a time: a string in any of
// timeLayouts, or a number of seconds since the Unix epoch (push payloads
// write repository.pushed_at so). Null, an absent value and "" are the
// zero time. The time is returned in UTC.
func parseTime(raw json.RawMessage) (time.Time, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return time.Time{}, nil
	}
	if raw[0] == '"' {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return time.Time{}, fmt.Errorf("%s is not a JSON string", clipValue(raw))
		}
		if s == "" {
			return time.Time{}, nil
		}
		for _, layout := range timeLayouts {
			if t, err := time.Parse(layout, s); err == nil {
				return t.UTC(), nil
			}
		}
		return time.Time{}, fmt.Errorf("%s is neither an RFC 3339 time nor another form GitHub has used", clipValue(raw))
	}
	var n json.Number
	if err := json.Unmarshal(raw, &n); err != nil {
		return time.Time{}, fmt.Errorf("%s is neither a time nor a number of seconds", clipValue(raw))
	}
	if sec, err := strconv.ParseInt(n.String(), 10, 64); err == nil {
		return time.Unix(sec, 0).UTC(), nil
	}
	f, err := n.Float64()
	// Beyond ±2^62 seconds a time is meaningless, and float64 loses the
	// seconds long before.
	if err != nil || math.IsNaN(f) || math.Abs(f) > 1<<62 {
		return time.Time{}, fmt.Errorf("%s is not a number of seconds since 1970", clipValue(raw))
	}
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(math.Round(frac*1e9))).UTC(), nil
}

// clipValue quotes a payload value for an error, cut short.
func clipValue(raw []byte) string {
	const max = 40
	if len(raw) > max {
		return string(raw[:max]) + "…"
	}
	return string(raw)
}
