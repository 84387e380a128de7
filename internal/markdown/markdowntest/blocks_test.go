package markdowntest_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/connectbot/connectbot/internal/markdown/markdowntest"
)

func TestCodeBlocks(t *testing.T) {
	tests := []struct {
		name, md string
		want     []markdowntest.CodeBlock
	}{
		{"a console block after a paragraph", "Run it:\n\n```console\n$ connectbot status\nok\n```\n",
			[]markdowntest.CodeBlock{{Line: 3, Info: "console", Text: "$ connectbot status\nok\n"}}},
		{"a block marked by the comment right before it", "<!-- a -->\n<!-- not run: why -->\n```sh\nx\n```\n",
			[]markdowntest.CodeBlock{{Line: 3, Info: "sh", Text: "x\n", Before: "<!-- not run: why -->"}}},
		{"a comment with a paragraph between is not the block's", "<!-- not run: why -->\n\ntext\n\n```sh\nx\n```\n",
			[]markdowntest.CodeBlock{{Line: 5, Info: "sh", Text: "x\n"}}},
		{"an empty block and one in a list", "```\n```\n\n- item\n\n  ```console\n  $ connectbot rules\n  ```\n",
			[]markdowntest.CodeBlock{{Line: 1}, {Line: 6, Info: "console", Text: "$ connectbot rules\n"}}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, markdowntest.CodeBlocks(tt.md)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
	}
}
