package i18n

// catalogue is every message, by key: its English and its Simplified
// Chinese text.
var catalogue = merge(serviceMessages, consoleMessages)

func merge(parts ...map[string][2]string) map[string][2]string {
	out := map[string][2]string{}
	for _, p := range parts {
		for k, v := range p {
			if _, dup := out[k]; dup {
				panic("i18n: key " + k + " is defined twice")
			}
			out[k] = v
		}
	}
	return out
}
