// Package domain holds ImageShare's vocabulary: the world (sites, regions,
// accounts, projects, organizations), images and their grants, and the one
// error type every layer speaks. It imports nothing of the project but the
// message catalogue (package i18n, a leaf).
package domain

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"syscall"

	"imageshare/internal/i18n"
)

// maxSubject is the longest subject an error carries, in bytes: longer than
// any ID or organization URN.
const maxSubject = 200

// Kind classifies an error for callers that map it to HTTP statuses or
// console messages. There are deliberately few kinds.
type Kind string

// The error kinds.
const (
	KindInvalid      Kind = "invalid"      // bad input: fix the request
	KindNotFound     Kind = "not_found"    // does not exist, or not visible to the caller
	KindForbidden    Kind = "forbidden"    // visible, but the caller may not do this
	KindConflict     Kind = "conflict"     // the state does not allow it right now
	KindQuota        Kind = "quota"        // a limit or quota is reached
	KindUnauthorized Kind = "unauthorized" // not logged in, or bad credentials
	KindTooLarge     Kind = "too_large"    // the request is bigger than one call may be
	KindUnavailable  Kind = "unavailable"  // busy right now: try again shortly
	KindCancelled    Kind = "cancelled"    // the client went away: nobody reads the answer
	KindInternal     Kind = "internal"     // our fault
)

// IMS error codes used by the rules of SPEC §3.
const (
	CodeInvalid         = "IMG.0001" // a parameter is invalid
	CodeQuota           = "IMG.0015" // private image quota exceeded (S11)
	CodeImageNotFound   = "IMG.0027" // the image does not exist
	CodeUnavailable     = "IMG.0046" // the image is not active (S02)
	CodeOwnerOnly       = "IMG.0047" // only the owner may do this (S01, S04)
	CodeSelfShare       = "IMG.0076" // sharing with yourself (S06)
	CodeMemberLimit     = "IMG.0088" // too many accepted recipients (S09)
	CodeDeleteOwnerOnly = "IMG.0092" // only the owner may delete (S01)
	CodeEncrypted       = "IMG.0098" // encrypted images cannot be shared (S03)
	CodeNotInRegion     = "IMG.0108" // recipient not found in the image's region (S06, S07)
	CodeNotAccepted     = "IMG.0196" // replicating an image not accepted (S16)
	CodeNotReplicable   = "IMG.0181" // the image cannot be replicated (S16, S23)
	CodeNoRestore       = "IMG.0183" // a data disk image cannot restore a disk (S17)
	CodeNotFound        = "IMG.0404" // some other object does not exist
	CodeUnauthorized    = "IMG.0401" // authentication failed
	CodeInternal        = "IMG.0500"
	CodeTooLarge        = "IMG.0413" // a request over the configured maximum
	CodeBusy            = "IMG.0503" // the database is busy: retry
	CodeCancelled       = "IMG.0499" // the client closed the request
)

// Error is the one error type of ImageShare. Code is the IMS code; Message is a
// plain sentence a person can act on, in English (the API's language);
// Subject, when set, names the input that caused it (a recipient ID, a form
// field). Key and Args, when Key is set, are the message as the catalogue
// (package i18n) has it, so that the console renders it in its user's
// language.
type Error struct {
	Kind    Kind
	Code    string
	Message string
	Subject string
	Key     string
	Args    []any
	// Each lists every refusal when one request was refused for several
	// reasons at once (every bad recipient of a batch, S05); the error
	// itself is the first of them.
	Each []*Error
}

// In is the error's message in a language.
func (e *Error) In(l i18n.Lang) string {
	if e.Key == "" || l == i18n.En {
		return e.Message // rendered in English when it was made
	}
	return i18n.Text(l, e.Key, e.Args...)
}

func (e *Error) Error() string {
	if e.Subject != "" {
		return fmt.Sprintf("%s: %s (%s)", e.Code, e.Message, e.Subject)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

// Errorf builds an *Error. format is a key of the message catalogue (its
// English text is the Message), or, for messages only the command line and
// the API's own checks give, an English format.
func Errorf(kind Kind, code, format string, args ...any) *Error {
	e := &Error{Kind: kind, Code: code, Message: i18n.Text(i18n.En, format, args...)}
	if i18n.Has(format) {
		e.Key, e.Args = format, args
	}
	return e
}

// About returns a copy of e naming subject as the offending input.
func (e *Error) About(subject string) *Error {
	c := *e
	// A subject is an ID or a field name; an input that long is named by
	// its start, so that no error repeats a huge value back.
	if len(subject) > maxSubject {
		subject = strings.ToValidUTF8(subject[:maxSubject], "") + "…"
	}
	c.Subject = subject
	return &c
}

// Join reports every refusal of one request at once: nil for none, the
// refusal itself for one, and for several the first with Each listing them
// all (so that a caller that reads one error reads the first).
func Join(es []*Error) error {
	switch len(es) {
	case 0:
		return nil
	case 1:
		return es[0]
	}
	first := *es[0]
	first.Each = es
	return &first
}

// AsError returns err as an *Error; anything else becomes an internal error
// whose message hides the details.
func AsError(err error) *Error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return Errorf(KindInternal, CodeInternal, "err.internal")
}

// KindOf returns the kind of err ("" for nil).
func KindOf(err error) Kind {
	if err == nil {
		return ""
	}
	return AsError(err).Kind
}

// CodeOf returns the IMS code of err ("" for nil).
func CodeOf(err error) string {
	if err == nil {
		return ""
	}
	return AsError(err).Code
}

// Constructors for errors that several places raise.

// ErrImageNotFound is what anyone who cannot see an image gets (S01).
func ErrImageNotFound() *Error {
	return Errorf(KindNotFound, CodeImageNotFound, "err.image_not_found")
}

// ErrNotFound reports that an object of the named kind does not exist for the caller.
func ErrNotFound(what string) *Error {
	var noun any = what
	if i18n.Has("noun." + what) {
		noun = i18n.Term("noun." + what)
	}
	return Errorf(KindNotFound, CodeNotFound, "err.not_found", noun)
}

// ErrInvalid reports bad input in the named field.
func ErrInvalid(field, format string, args ...any) *Error {
	return Errorf(KindInvalid, CodeInvalid, format, args...).About(field)
}

// ErrOwnerOnly is S01's refusal.
func ErrOwnerOnly() *Error {
	return Errorf(KindForbidden, CodeOwnerOnly, "err.owner_only")
}

// ErrClientGone is a request whose answer could not be sent: the client
// closed the connection (or stopped reading) before it was written. Like a
// cancelled request it is nobody's failure, and nobody reads it.
func ErrClientGone() *Error {
	return Errorf(KindCancelled, CodeCancelled, "err.cancelled")
}

// ClientGone reports whether err, met while writing an answer, means the
// client went away: the request was cancelled, or the connection was
// closed or reset under the write. Only for errors of writing to the
// client: a database connection that was reset is a failure.
func ClientGone(err error) bool {
	return KindOf(err) == KindCancelled || errors.Is(err, syscall.EPIPE) || errors.Is(err, syscall.ECONNRESET)
}

// FromContext is the error for a context that ended: the client hung up
// (or the server is stopping), which is nobody's failure and nobody reads;
// or the request ran out of time, which is worth a retry. Any other error
// is returned as it is.
func FromContext(err error) error {
	switch {
	case errors.Is(err, context.Canceled):
		return Errorf(KindCancelled, CodeCancelled, "err.cancelled")
	case errors.Is(err, context.DeadlineExceeded):
		return Errorf(KindUnavailable, CodeBusy, "err.timed_out")
	}
	return err
}
