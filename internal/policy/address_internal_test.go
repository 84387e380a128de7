package policy

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestHostsReadAsBrowsersReadThem(t *testing.T) {
	tests := []struct {
		name, host string
		want       hostKind
		ip         string // "" when the host is a name
	}{
		{"dotted loopback", "127.0.0.1", hostPrivate, "127.0.0.1"},
		{"loopback as one decimal number", "2130706433", hostPrivate, "127.0.0.1"},
		{"loopback as one hexadecimal number", "0x7f000001", hostPrivate, "127.0.0.1"},
		{"loopback in two parts, the first hexadecimal", "0x7f.1", hostPrivate, "127.0.0.1"},
		{"loopback in octal parts", "0177.0.0.01", hostPrivate, "127.0.0.1"},
		{"loopback in three parts", "127.0.1", hostPrivate, "127.0.0.1"},
		{"private 10/8 as one number", "167772161", hostPrivate, "10.0.0.1"},
		{"a trailing dot is ignored", "192.168.0.1.", hostPrivate, "192.168.0.1"},
		{"a public address", "8.8.8.8", hostPublic, "8.8.8.8"},
		{"a documentation range", "203.0.113.9", hostDocumentation, "203.0.113.9"},
		{"shared address space (carrier-grade NAT)", "100.64.1.1", hostPrivate, "100.64.1.1"},
		{"IPv6 unique local", "fd00::1", hostPrivate, "fd00::1"},
		{"IPv6 documentation", "2001:db8::1", hostDocumentation, "2001:db8::1"},
		{"IPv4-mapped IPv6 private", "::ffff:10.1.2.3", hostPrivate, "::ffff:10.1.2.3"},
		{"a name ending in a word is a name", "1password.com", hostPublic, ""},
		{"a name whose labels are digits but the last is a word", "123.456.example", hostDocumentation, ""},
		{"a part too large is no address", "256.256.256.256.256", hostPublic, ""},
		{"a single label", "intranet", hostPrivate, ""},
		{"localhost", "localhost", hostPrivate, ""},
		{"a subdomain of .internal", "wiki.corp.internal", hostPrivate, ""},
		{"home.arpa", "printer.home.arpa", hostPrivate, ""},
		{"example.org", "www.example.org", hostDocumentation, ""},
		{"a name that ends in test but is not .test", "contest.com", hostPublic, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := classifyHost(tt.host); got != tt.want {
				t.Errorf("classifyHost(%q) = %d, want %d", tt.host, got, tt.want)
			}
			ip, ok := hostIP(tt.host)
			got := ""
			if ok {
				got = ip.String()
			}
			if diff := cmp.Diff(tt.ip, got); diff != "" {
				t.Errorf("hostIP(%q) (-want +got):\n%s", tt.host, diff)
			}
		})
	}
}

func TestLinkHostFoldsWhatBrowsersFold(t *testing.T) {
	tests := []struct{ name, link, want string }{
		{"capitals and a trailing dot", "https://ACME.Example./privacy", "acme.example"},
		{"a port and user information", "https://user:pw@acme.com:8443/x", "acme.com"},
		{"an internationalised name in punycode", "https://bücher.de/datenschutz", "xn--bcher-kva.de"},
		{"fullwidth letters", "https://ｌｏｃａｌｈｏｓｔ/", "localhost"},
		{"an IPv6 literal", "https://[::1]:8080/", "::1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _ := linkHost(tt.link)
			if got != tt.want {
				t.Errorf("linkHost(%q) = %q, want %q", tt.link, got, tt.want)
			}
		})
	}
}
