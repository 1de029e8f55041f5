package views

// AccessKeyRow is one access key on My Credentials.
type AccessKeyRow struct {
	ID       string
	Enabled  bool
	Created  string
	LastUsed string // "Never" until the key signs a request
}

// AccessKeysView is the Access Keys section of My Credentials.
type AccessKeysView struct {
	Rows    []AccessKeyRow
	Max     int  // keys a user may have
	CanAdd  bool // fewer than Max
	Problem *Problem
}

// AccessKeyCreatedView shows a new key's SK, this once.
type AccessKeyCreatedView struct {
	UserName string
	AK       string
	SK       string
}

// AccessKeyDeleteView asks to confirm deleting a key.
type AccessKeyDeleteView struct {
	Dialog  Dialog
	AK      string
	Problem *Problem
}
