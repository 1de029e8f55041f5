package imagedata

import (
	"io/fs"
	"syscall"
	"time"
)

// changeTime is a file's inode change time: a hard link or a rename sets
// it, where the modification time stays the data's (a linked copy of an
// old object would look old).
func changeTime(info fs.FileInfo) time.Time {
	if st, ok := info.Sys().(*syscall.Stat_t); ok {
		return time.Unix(st.Ctim.Sec, st.Ctim.Nsec)
	}
	return info.ModTime()
}
