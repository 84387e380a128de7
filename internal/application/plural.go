package application

import "strconv"

// Plural writes a count of a thing as a person reads it: "1 day",
// "2 days", "0 feedback items". word is the singular, whose plural takes
// an s. Every text that counts something says it so, whatever number the
// program's configuration sets.
func Plural(n int, word string) string {
	if n == 1 || n == -1 {
		return strconv.Itoa(n) + " " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}
