package policy

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/rivo/uniseg"
)

// TestSentenceEndsIsUniseg checks that reading windows around terminators
// splits texts where uniseg does when it reads every character.
func TestSentenceEndsIsUniseg(t *testing.T) {
	texts := []string{
		"",
		"Acme Sync for HubSpot",
		"Keeps contacts in step with HubSpot. Certified translations are attached.",
		"Built for U.S. teams. e.g. contacts, deals etc. are synced!",
		"He said \"Fine.\" Then it synced.  (Really?) Yes.\nNext line\r\nand more",
		"Mr. Smith uses HubSpot. 3.5 times faster... Really?! Yes.",
		"HubSpotと連携します。公式パートナーではありません。次の文",
		"허브스팟과 연동합니다. 공식 파트너가 아닙니다.",
		"مزامنة لـ HubSpot. شريك رسمي؟ لا.",
		"Synchronisation für HubSpot. Zertifiziert nach ISO 27001. Ende",
		"A sentence with a very long word " + string(make([]byte, 0)) + "Supercalifragilisticexpialidociousandevenlongerthanthatwordhereitis. Next.",
		"ends with a terminator.",
		"Trailing spaces.   ",
	}
	for _, s := range texts {
		var want []int
		pos, state := 0, -1
		for rest := s; rest != ""; {
			var seg string
			seg, rest, state = uniseg.FirstSentenceInString(rest, state)
			pos += len(seg)
			want = append(want, pos)
		}
		if diff := cmp.Diff(want, sentenceEnds(s)); diff != "" {
			t.Errorf("sentenceEnds(%q) (-uniseg +got):\n%s", s, diff)
		}
	}
}

// FuzzSentenceEnds checks sentenceEnds against uniseg reading every
// character, on any text.
func FuzzSentenceEnds(f *testing.F) {
	for _, s := range []string{"U.S. law. Next", "Fine.\u201d Then", "公式。次", "a.b. C!? d\n\ne"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var want []int
		pos, state := 0, -1
		for rest := s; rest != ""; {
			var seg string
			seg, rest, state = uniseg.FirstSentenceInString(rest, state)
			pos += len(seg)
			want = append(want, pos)
		}
		if diff := cmp.Diff(want, sentenceEnds(s)); diff != "" {
			t.Errorf("sentenceEnds(%q) (-uniseg +got):\n%s", s, diff)
		}
	})
}
