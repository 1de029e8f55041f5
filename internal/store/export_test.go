package store

// Trace makes the store call fn with every hand-written statement it runs
// (and its arguments), for the query-plan tests.
func (s *Store) Trace(fn func(query string, args []any)) { s.trace = fn }

// Text is a statement as the store's driver receives it.
func (s *Store) Text(query string) string { return s.read.text(query) }
