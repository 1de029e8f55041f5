package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"imageshare/internal/identity"
	"imageshare/internal/store"
)

// accessKeyCommand runs "access-key create|list|delete": the administrator
// manages a user's access keys, acting as that user in the trail.
func accessKeyCommand(cmd string, args []string, stdout io.Writer) error {
	var kc config
	var fs *flag.FlagSet
	flags := func(f *flag.FlagSet) {
		fs = f
		secretKeyFlag(f, &kc)
	}
	// The service that seals SKs needs the same key as the server: the one
	// configured, or the one in the data directory.
	service := func(st *store.Store) (*identity.Service, error) {
		kc.DataDir = fs.Lookup("data").Value.String()
		key, err := kc.secretKey()
		if err != nil {
			return nil, err
		}
		return identity.New(st, identity.DefaultThrottling(), identity.WithSecretKey(key)), nil
	}
	// user is the service and the user an ACCOUNT USER command names.
	user := func(ctx context.Context, st *store.Store, pos []string) (*identity.Service, identity.Principal, error) {
		id, err := service(st)
		if err != nil {
			return nil, identity.Principal{}, err
		}
		p, err := id.UserPrincipal(ctx, pos[0], pos[1])
		return id, p, err
	}
	const via = "command line"
	switch cmd {
	case "access-key create":
		return withAdmin(args, 2, stdout, flags, func(ctx context.Context, st *store.Store, pos []string) (string, error) {
			id, p, err := user(ctx, st, pos)
			if err != nil {
				return "", err
			}
			k, sk, err := id.CreateAccessKey(ctx, p, via)
			if err != nil {
				return "", err
			}
			// The last line is "AK SK", for scripts; the SK is never shown again.
			return fmt.Sprintf("created access key %s for %s of %s; keep the SK now, it cannot be shown again:\n%s %s", k.ID, p.UserName, p.AccountName, k.ID, sk), nil
		})
	case "access-key list":
		return withAdmin(args, 2, stdout, flags, func(ctx context.Context, st *store.Store, pos []string) (string, error) {
			id, p, err := user(ctx, st, pos)
			if err != nil {
				return "", err
			}
			ks, err := id.AccessKeys(ctx, p)
			if err != nil {
				return "", err
			}
			if len(ks) == 0 {
				return fmt.Sprintf("%s of %s has no access keys", p.UserName, p.AccountName), nil
			}
			lines := []string{"AK                    STATUS    CREATED               LAST USED"}
			for _, k := range ks {
				used := "never"
				if !k.LastUsedAt.IsZero() {
					used = k.LastUsedAt.UTC().Format(time.RFC3339)
				}
				lines = append(lines, fmt.Sprintf("%-21s %-9s %-21s %s", k.ID, k.Status(), k.CreatedAt.UTC().Format(time.RFC3339), used))
			}
			return strings.Join(lines, "\n"), nil
		})
	case "access-key delete":
		return withAdmin(args, 2, stdout, flags, func(ctx context.Context, st *store.Store, pos []string) (string, error) {
			id, err := service(st)
			if err != nil {
				return "", err
			}
			p, err := id.AccessKeyOwner(ctx, pos[0], pos[1])
			if err != nil {
				return "", err
			}
			return fmt.Sprintf("deleted access key %s of %s (%s)", pos[1], p.UserName, p.AccountName), id.DeleteAccessKey(ctx, p, pos[1], via)
		})
	}
	return usageError(fmt.Sprintf("unknown command %q\n\n%s", cmd, usage))
}
