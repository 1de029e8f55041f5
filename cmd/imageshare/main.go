// Command imageshare runs the ImageShare console and administers its world.
//
//	imageshare serve                 start the console (and API)
//	imageshare world load FILE       load a world file into the database
//	imageshare world demo            print the built-in demo world
//	imageshare account create NAME --site cn|intl [--id HEX32]
//	imageshare user create ACCOUNT USER        (password from --password or stdin)
//	imageshare user passwd ACCOUNT USER
//	imageshare project create ACCOUNT NAME --region REGION
//	imageshare org create ID --name NAME --management ACCOUNT [--root r-…]
//	imageshare ou create ID --parent NODE --name NAME
//	imageshare org attach ACCOUNT NODE
//	imageshare access-key create|list ACCOUNT USER, access-key delete ACCOUNT AK
//
// Every command reads the database from --dsn or --data (see config.go).
package main

import (
	"fmt"
	"os"
)

func main() {
	if err := run(os.Args[1:], os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "imageshare:", err)
		os.Exit(exitCode(err))
	}
}
