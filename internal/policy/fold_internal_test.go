package policy

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestWordsFoldWhatAReaderSeesAsOne checks the folding that names are
// compared by: texts a reader takes for the same words have the same keys.
func TestWordsFoldWhatAReaderSeesAsOne(t *testing.T) {
	tests := []struct {
		name, a, b string
	}{
		{"a Cyrillic capital Н is an H", "НubSpot", "HubSpot"},
		{"a Greek capital Eta is an H", "ΗubSpot", "HubSpot"},
		{"a zero-width space is not seen", "H\u200bubSpot", "HubSpot"},
		{"a soft hyphen and a word joiner are not seen", "Hub\u00adSp\u2060ot", "HubSpot"},
		{"a right-to-left override is not seen", "Hub\u202eSpot", "HubSpot"},
		{"fullwidth letters are letters", "ＨｕｂＳｐｏｔ", "HubSpot"},
		{"a ligature is its letters", "Oﬃcial", "Official"},
		{"case does not count", "HUBSPOT", "hubspot"},
		{"a capital I and a small l are one letter", "Inc", "lnc"},
		{"a zero is an O", "HubSp0t", "HubSpot"},
		{"m is rn", "Acme", "Acrne"},
		{"punctuation splits words", "Hub-Spot's", "Hub Spot s"},
		{"a Greek small upsilon is a u", "ΗυbSpot", "HubSpot"},
		{"small capitals are their letters", "ʜᴜʙsᴘᴏᴛ", "HubSpot"},
		{"a combining accent is not read", "Hu\u0301bSpo\u0308t", "HubSpot"},
		{"a combining overlay is not read", "H\u0335ubSpot", "HubSpot"},
		{"a precomposed accented letter is its letter", "Hübspot", "HubSpot"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(words(tc.b), words(tc.a)); diff != "" {
				t.Errorf("words(%q) and words(%q) differ (-b +a):\n%s", tc.b, tc.a, diff)
			}
		})
	}
}

// TestASCIIKeysAreTheSlowKeys holds the fast path for ASCII words to the
// full folding, letter by letter and for every pair of letters.
func TestASCIIKeysAreTheSlowKeys(t *testing.T) {
	const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	for i := range len(alnum) {
		for j := range len(alnum) {
			w := alnum[i:i+1] + alnum[j:j+1]
			fast, ok := asciiKey(w)
			if !ok {
				t.Fatalf("asciiKey(%q) has no key", w)
			}
			if slow := slowKey(w); fast != slow {
				t.Errorf("asciiKey(%q) = %q, slowKey = %q", w, fast, slow)
			}
		}
	}
}

// BenchmarkWords folds a description of 2,000 characters, in ASCII and in
// Japanese.
func BenchmarkWords(b *testing.B) {
	for _, tc := range []struct{ name, text string }{
		{"ascii", string([]rune(strings.Repeat("Keeps contacts in step between Acme and HubSpot, both ways. ", 40))[:2000])},
		{"japanese", string([]rune(strings.Repeat("連絡先を Acme のアドレス帳と同期します。", 100))[:2000])},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				words(tc.text)
			}
		})
	}
}

func TestPlainTextReadsEveryScriptsDigits(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"ASCII digits stay", "48 hours", "48 hours"},
		{"Arabic-Indic digits are read", "خلال ٣ أيام", "خلال 3 أيام"},
		{"Persian digits are read", "ظرف ۴۸ ساعت", "ظرف 48 ساعت"},
		{"Devanagari digits are read", "४८ घंटे", "48 घंटे"},
		{"Bengali digits are read", "২৪ ঘণ্টা", "24 ঘণ্টা"},
		{"Thai digits are read", "๒๔ ชั่วโมง", "24 ชั่วโมง"},
		{"fullwidth digits are read", "３営業日", "3営業日"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := plainText(tc.in); got != tc.want {
				t.Errorf("plainText(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}
