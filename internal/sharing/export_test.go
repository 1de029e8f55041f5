package sharing

import "time"

// SetDataGrace changes how long SweepData leaves an unnamed object alone
// (tests cannot age a file's change time).
func SetDataGrace(d time.Duration) (restore func()) {
	old := dataGrace
	dataGrace = d
	return func() { dataGrace = old }
}
