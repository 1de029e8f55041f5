package domain

// Unique returns xs without repeats or empty strings, in first-seen order:
// the IDs a request names, each once (a batch may repeat one).
func Unique(xs []string) []string {
	seen := make(map[string]bool, len(xs))
	out := make([]string, 0, len(xs))
	for _, x := range xs {
		if x != "" && !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}
