package domain

import "time"

// MaxAccessKeysPerUser is how many access keys an IAM user may have, as on
// the public cloud.
const MaxAccessKeysPerUser = 2

// AccessKey is an IAM user's access key (AK/SK): the cloud's SDKs sign each
// request with the SK instead of sending a token. The server must compute
// the same signature, so it keeps the SK itself, sealed with AES-GCM under
// a key that is not in the database (SealedSecret); it is shown once, when
// the key is created, and never again.
type AccessKey struct {
	ID           string `gorm:"primaryKey;size:20"` // the AK: 20 upper-case letters and digits
	UserID       string `gorm:"size:32;index;not null"`
	AccountID    string `gorm:"size:32;index;not null"`
	SealedSecret string `gorm:"size:255;not null"`
	Enabled      bool   `gorm:"not null"`
	CreatedAt    time.Time
	LastUsedAt   time.Time // zero until the key signs a request
}

// Status is the key's state as the console shows it.
func (k AccessKey) Status() string {
	if k.Enabled {
		return "enabled"
	}
	return "disabled"
}
