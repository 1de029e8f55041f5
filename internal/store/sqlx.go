package store

import (
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"imageshare/internal/domain"
)

// This file runs hand-written SQL: each query text is prepared once per
// connection and kept, and rows are scanned field by field, without
// reflection.
// The texts use "?" placeholders and SQL that SQLite and PostgreSQL both
// speak (row values, ON CONFLICT, LIMIT); rebind adapts the placeholders.

// postgresRebind numbers the placeholders: "?" becomes $1, $2, …
func postgresRebind(q string) string {
	var b strings.Builder
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}

// stmt returns the pool's prepared statement for query, preparing it once.
// Only SQLite's pools keep statements: its driver prepares every query
// anew otherwise, while PostgreSQL's (pgx) keeps each connection's
// statements by itself.
func (p *pool) stmt(query string) (*sql.Stmt, error) {
	if st, ok := p.stmts.Load(query); ok {
		return st.(*sql.Stmt), nil
	}
	st, err := p.sql.Prepare(query)
	if err != nil {
		return nil, err
	}
	if prev, loaded := p.stmts.LoadOrStore(query, st); loaded {
		_ = st.Close()
		return prev.(*sql.Stmt), nil
	}
	return st, nil
}

// generic is a list statement as it is sent. POSTGRES-SPECIFIC: there every
// parameter is read through a scalar subquery, which the planner cannot
// see into, so that its estimates are the same for every tenant and it
// settles on the one generic plan after its five trial plans. With the
// values in sight, a tenant with 100,000 shares makes the per-value plan
// look several times cheaper than the generic one, and PostgreSQL planned
// the statement anew on every execution: 0.7–1 ms of planning for a page
// of shared images that takes 0.25 ms to read. The plan is the same index
// walk (the plan tests check the generic plans of every list). A subquery
// has no type of its own, so each is cast to its argument's. SQLite plans
// a prepared statement once: there the statement is unchanged.
func (tx *Tx) generic(query string, args []any) string {
	if tx.s.dialect != "postgres" {
		return query
	}
	var b strings.Builder
	n := 0
	for i := 0; i < len(query); i++ {
		if query[i] != '?' || n >= len(args) {
			b.WriteByte(query[i])
			continue
		}
		b.WriteString("(SELECT CAST(? AS " + sqlType(args[n]) + "))")
		n++
	}
	return b.String()
}

// sqlType is PostgreSQL's type for a parameter's Go value.
func sqlType(v any) string {
	switch v.(type) {
	case time.Time:
		return "TIMESTAMPTZ"
	case int, int64, int32:
		return "BIGINT"
	case bool:
		return "BOOLEAN"
	}
	return "TEXT"
}

// text is query as the driver takes it, rewritten once per text.
func (p *pool) text(query string) string {
	if v, ok := p.texts.Load(query); ok {
		return v.(string)
	}
	t := p.rebind(query)
	p.texts.Store(query, t)
	return t
}

// query runs a statement that returns rows in the scope.
func (tx *Tx) query(query string, args ...any) (*sql.Rows, error) {
	if tx.s.trace != nil {
		tx.s.trace(query, args)
	}
	if !tx.p.keep {
		return tx.conn.QueryContext(tx.ctx, tx.p.text(query), args...)
	}
	st, err := tx.stmtIn(query)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(tx.ctx, args...)
}

// stmtIn is the scope's form of a kept prepared statement.
func (tx *Tx) stmtIn(query string) (*sql.Stmt, error) {
	st, err := tx.p.stmt(query)
	if err != nil {
		return nil, err
	}
	if t, ok := tx.conn.(*sql.Tx); ok {
		return t.StmtContext(tx.ctx, st), nil
	}
	return st, nil
}

// inTransaction is whether the scope is a transaction (Read, Write), not
// One's statements that each see the latest state.
func (tx *Tx) inTransaction() bool {
	_, ok := tx.conn.(*sql.Tx)
	return ok
}

// rows runs a query and calls each for every row; each scans it.
func (tx *Tx) rows(each func(*sql.Rows) error, query string, args ...any) error {
	rs, err := tx.query(query, args...)
	if err != nil {
		return tx.wrapSQL(err)
	}
	defer rs.Close()
	for rs.Next() {
		if err := each(rs); err != nil {
			return tx.wrapSQL(err)
		}
	}
	return tx.wrapSQL(rs.Err())
}

// row runs a query for at most one row; found is false when there is none.
func (tx *Tx) row(scan func(*sql.Rows) error, query string, args ...any) (found bool, err error) {
	err = tx.rows(func(r *sql.Rows) error {
		if found {
			return nil
		}
		found = true
		return scan(r)
	}, query, args...)
	return found, err
}

// exec runs a statement and returns how many rows it changed.
func (tx *Tx) exec(query string, args ...any) (int64, error) {
	if tx.s.trace != nil {
		tx.s.trace(query, args)
	}
	var res sql.Result
	var err error
	if tx.p.keep {
		var st *sql.Stmt
		if st, err = tx.stmtIn(query); err == nil {
			res, err = st.ExecContext(tx.ctx, args...)
		}
	} else {
		res, err = tx.conn.ExecContext(tx.ctx, tx.p.text(query), args...)
	}
	if err != nil {
		return 0, tx.wrapSQL(err)
	}
	n, err := res.RowsAffected()
	return n, tx.wrapSQL(err)
}

// wrapSQL is wrap for errors of hand-written SQL: the dialect's constraint
// errors are translated the way GORM translates its own.
func (tx *Tx) wrapSQL(err error) error {
	if err == nil {
		return nil
	}
	if t, ok := tx.p.gorm.Dialector.(gorm.ErrorTranslator); ok {
		err = t.Translate(err)
	}
	return wrap(err)
}

// scalar reads one integer (a count, a counter).
func (tx *Tx) scalar(query string, args ...any) (int, error) {
	var n sql.NullInt64
	_, err := tx.row(func(r *sql.Rows) error { return r.Scan(&n) }, query, args...)
	return int(n.Int64), err
}

// inBuckets are the sizes IN lists are padded to, so that a handful of
// statement texts serve every list length.
var inBuckets = []int{1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1000}

// maxIn is the longest IN list one statement takes; longer lists are run
// in chunks (chunks).
const maxIn = 1000

// in returns "(?, ?, …)" for ids, padded with repeats of the last one to a
// bucket size, and the arguments to go with it. ids must not be empty or
// longer than maxIn.
func in(ids []string) (string, []any) {
	size := inBuckets[len(inBuckets)-1]
	for _, b := range inBuckets {
		if b >= len(ids) {
			size = b
			break
		}
	}
	args := make([]any, size)
	for i := range size {
		args[i] = ids[min(i, len(ids)-1)]
	}
	return "(" + strings.TrimSuffix(strings.Repeat("?,", size), ",") + ")", args
}

// chunks calls fn with ids in runs of at most maxIn.
func chunks(ids []string, fn func([]string) error) error {
	for start := 0; start < len(ids); start += maxIn {
		if err := fn(ids[start:min(len(ids), start+maxIn)]); err != nil {
			return err
		}
	}
	return nil
}

// with substitutes the IN list for "(…)" in query and appends its arguments
// after args.
func with(query string, ids []string, args ...any) (string, []any) {
	list, inArgs := in(ids)
	return strings.Replace(query, "(…)", list, 1), append(args, inArgs...)
}

// nullTime scans a time that may be NULL (a column added by a migration).
type nullTime struct{ t *time.Time }

func (n nullTime) Scan(v any) error {
	var nt sql.NullTime
	if err := nt.Scan(v); err != nil {
		// SQLite returns the text of a datetime computed by an expression.
		if s, ok := v.(string); ok {
			t, perr := parseSQLiteTime(s)
			if perr != nil {
				return perr
			}
			*n.t = t
			return nil
		}
		return err
	}
	if nt.Valid {
		*n.t = nt.Time.UTC()
	} else {
		*n.t = time.Time{}
	}
	return nil
}

func parseSQLiteTime(s string) (time.Time, error) {
	for _, f := range []string{"2006-01-02 15:04:05.999999999-07:00", "2006-01-02T15:04:05.999999999-07:00", "2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05.999999999Z07:00"} {
		if t, err := time.Parse(f, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, errors.New("store: unreadable time " + strconv.Quote(s))
}

// sortedCopy returns xs deduplicated and sorted, leaving xs as it was.
func sortedCopy(xs []string) []string {
	out := domain.Unique(xs)
	slices.Sort(out)
	return out
}

// Rows of several columns come back, on SQLite, packed into one text
// column: SQLite's driver makes three or four C calls per column of every
// row, which cost far more than the query itself (a page of 25 images is
// 550 columns); packed, a row costs three. The columns are joined by the
// unit separator (U+001F) in one concat() (which reads NULL as ""), each
// expression evaluated once. Columns that cannot hold the
// separator (identifiers the store makes, enumerations, numbers, times)
// are written as they are; text a person typed is written as its length
// in bytes, a separator, and the text, so that the row reads back
// unambiguously whatever it holds. (Lengths before every column, the
// first format, cost SQLite twice the work per row: each expression
// evaluated twice, and three arguments per column.) PostgreSQL's driver
// reads columns cheaply in its binary format, while building the text
// costs its server: there the same columns come back as they are. One
// description of the columns (row) gives both, and one reader (unpacked)
// reads both.

// sep separates the columns of a packed row.
const sep = '\x1f'

// column is one column of a row: an SQL expression, and whether it is
// free text (else an identifier, enumeration, number, boolean or time,
// which never holds sep).
type column struct {
	expr string
	free bool
}

// txt is a text column that may hold anything, sep included (NULL reads as "").
func txt(expr string) column { return column{expr: expr, free: true} }

// key is a text column whose values never hold a control character: an
// identifier the store generates or an enumeration (NULL reads as "").
func key(expr string) column { return column{expr: expr} }

// val is a number, boolean or time column (NULL reads as the zero value).
func val(expr string) column { return column{expr: expr} }

// row is a query's result columns, rendered for either database.
type row struct {
	packed string // SQLite: one concat() (SQLite 3.44), which builds the text in one go
	plain  string // PostgreSQL: the columns as they are
	free   []bool // which columns are length-prefixed in packed
}

// pack describes a row made of the given columns.
func pack(cols ...column) row {
	packed := make([]string, len(cols))
	plain := make([]string, len(cols))
	free := make([]bool, len(cols))
	// The separator is written into the statement as a literal: as
	// char(31) SQLite called the function again for every separator of
	// every row, 7 % of the instructions of a page of 26 images.
	// (concat_ws would halve the arguments, but it leaves out empty values
	// as well as NULLs, separator and all.)
	lit := "'" + string(rune(sep)) + "'"
	for i, c := range cols {
		packed[i], plain[i], free[i] = c.expr, c.expr, c.free
		if c.free {
			packed[i] = "octet_length(" + c.expr + "), " + lit + ", " + c.expr
		}
	}
	return row{packed: "concat(" + strings.Join(packed, ", "+lit+", ") + ")", plain: strings.Join(plain, ", "), free: free}
}

// sel is the SELECT list of r for the scope's database.
func (tx *Tx) sel(r row) string {
	if tx.s.dialect == "postgres" {
		return r.plain
	}
	return r.packed
}

// unpacked reads the columns of a row in order: from the packed text
// (SQLite), or from the values the driver gave (PostgreSQL). The first
// error sticks and every read after it returns zero values.
type unpacked struct {
	s    string
	free []bool // of the packed row's columns (row.free)
	vals []any  // PostgreSQL's values; nil for a packed row
	next int
	err  error
}

// unpack scans a row described by r.
func (tx *Tx) unpack(rs *sql.Rows, r row) (*unpacked, error) {
	if tx.s.dialect == "postgres" {
		u := &unpacked{vals: make([]any, len(r.free))}
		ptrs := make([]any, len(r.free))
		for i := range u.vals {
			ptrs[i] = &u.vals[i]
		}
		return u, rs.Scan(ptrs...)
	}
	var s sql.NullString
	if err := rs.Scan(&s); err != nil {
		return nil, err
	}
	return &unpacked{s: s.String, free: r.free}, nil
}

func (u *unpacked) fail(what string) {
	if u.err == nil {
		u.err = errors.New("store: a row is unreadable at " + what)
	}
}

// value is the next column of PostgreSQL's values; ok is false when there
// is none left.
func (u *unpacked) value() (v any, ok bool) {
	if u.err != nil {
		return nil, false
	}
	if u.next >= len(u.vals) {
		u.fail("the end")
		return nil, false
	}
	v = u.vals[u.next]
	u.next++
	return v, true
}

// str reads the next column.
func (u *unpacked) str() string {
	if u.vals != nil {
		v, _ := u.value()
		switch x := v.(type) {
		case string:
			return x
		case []byte:
			return string(x)
		case nil:
			return ""
		case time.Time:
			return x.UTC().Format(time.RFC3339Nano)
		}
		return fmt.Sprint(v)
	}
	if u.err != nil {
		return ""
	}
	if u.next >= len(u.free) {
		u.fail("the end")
		return ""
	}
	free := u.free[u.next]
	u.next++
	last := u.next == len(u.free)
	if !free {
		return u.field(last)
	}
	n, err := 0, error(nil)
	if f := u.field(false); f != "" { // octet_length(NULL) is NULL: packed as ""
		n, err = strconv.Atoi(f)
	}
	if err != nil || n < 0 || n > len(u.s) {
		u.fail("a length")
		return ""
	}
	v := u.s[:n]
	u.s = u.s[n:]
	switch {
	case last && u.s != "":
		u.fail("the end")
	case !last && (u.s == "" || u.s[0] != sep):
		u.fail("a separator")
	case !last:
		u.s = u.s[1:]
	}
	return v
}

// field reads the packed text up to the next separator and past it, or
// to the end for the last column.
func (u *unpacked) field(last bool) string {
	i := strings.IndexByte(u.s, sep)
	switch {
	case last && i >= 0:
		u.fail("the end")
		return ""
	case last:
		v := u.s
		u.s = ""
		return v
	case i < 0:
		u.fail("a separator")
		return ""
	}
	v := u.s[:i]
	u.s = u.s[i+1:]
	return v
}

// int reads the next column as an integer (0 when empty).
func (u *unpacked) int() int {
	if u.vals != nil {
		v, _ := u.value()
		switch x := v.(type) {
		case int64:
			return int(x)
		case int32:
			return int(x)
		case nil:
			return 0
		}
		u.fail("a number")
		return 0
	}
	s := u.str()
	if s == "" {
		return 0
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		u.fail("a number")
	}
	return n
}

// bool reads the next column as a boolean: SQLite keeps 0 and 1.
func (u *unpacked) bool() bool {
	if u.vals != nil {
		v, _ := u.value()
		switch x := v.(type) {
		case bool:
			return x
		case int64:
			return x != 0
		case nil:
			return false
		}
		u.fail("a boolean")
		return false
	}
	switch u.str() {
	case "1", "true", "t":
		return true
	}
	return false
}

// time reads the next column as a time (zero when empty).
func (u *unpacked) time() time.Time {
	if u.vals != nil {
		v, _ := u.value()
		switch x := v.(type) {
		case time.Time:
			return x.UTC()
		case nil:
			return time.Time{}
		}
		u.fail("a time")
		return time.Time{}
	}
	s := u.str()
	if s == "" {
		return time.Time{}
	}
	t, err := parseTime(s)
	if err != nil {
		u.fail("a time")
	}
	return t
}

// parseTime reads a time as SQLite keeps it ("2006-01-02 15:04:05.999999999-07:00",
// as the driver writes it) or PostgreSQL writes it ("2006-01-02 15:04:05.999999-07",
// or with minutes in the offset): ISO date and time, an optional fraction,
// and Z or an offset of hours[:minutes[:seconds]].
func parseTime(s string) (time.Time, error) {
	t, ok := readTime(s)
	if !ok {
		return time.Time{}, errors.New("store: unreadable time " + strconv.Quote(s))
	}
	return t, nil
}

func readTime(s string) (time.Time, bool) {
	// digits reads s[a:b] as a number; ok stays false once anything is not
	// a digit (no closure, no allocation: a page of 1,000 images has
	// 4,000 times).
	ok := len(s) >= 19
	digits := func(a, b int) int {
		n := 0
		for i := a; i < b && ok; i++ {
			c := s[i]
			if c < '0' || c > '9' {
				ok = false
			}
			n = n*10 + int(c-'0')
		}
		return n
	}
	if !ok || s[4] != '-' || s[7] != '-' || (s[10] != ' ' && s[10] != 'T') || s[13] != ':' || s[16] != ':' {
		return time.Time{}, false
	}
	y, mo, d, h, mi, sec := digits(0, 4), digits(5, 7), digits(8, 10), digits(11, 13), digits(14, 16), digits(17, 19)
	i, nsec := 19, 0
	if i < len(s) && s[i] == '.' {
		j := i + 1
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		if j == i+1 || j-i-1 > 9 {
			return time.Time{}, false
		}
		nsec = digits(i+1, j)
		for range 9 - (j - i - 1) {
			nsec *= 10
		}
		i = j
	}
	offset := 0
	switch {
	case i == len(s) || s[i:] == "Z":
	case s[i] == '+' || s[i] == '-':
		// ±hh, ±hh:mm or ±hh:mm:ss
		rest := len(s) - i - 1
		if rest != 2 && rest != 5 && rest != 8 {
			return time.Time{}, false
		}
		offset = digits(i+1, i+3) * 3600
		if rest >= 5 {
			ok = ok && s[i+3] == ':'
			offset += digits(i+4, i+6) * 60
		}
		if rest == 8 {
			ok = ok && s[i+6] == ':'
			offset += digits(i+7, i+9)
		}
		if s[i] == '-' {
			offset = -offset
		}
	default:
		return time.Time{}, false
	}
	if !ok {
		return time.Time{}, false
	}
	return time.Date(y, time.Month(mo), d, h, mi, sec, nsec, time.UTC).Add(-time.Duration(offset) * time.Second), true
}
