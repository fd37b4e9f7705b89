// A go.mod exercising every directive form the cataloger reads.
module example.com/app

go 1.21

toolchain go1.21.4

require (
	github.com/pkg/errors v0.9.1
	golang.org/x/text v0.14.0 // indirect
	example.com/local v1.0.0
	github.com/bad/mod v1.2.3
	"github.com/quoted/path" v0.1.0 // a comment, not an indirect marker
)

require github.com/google/uuid v1.5.0

replace example.com/local => ../local

replace (
	github.com/pkg/errors v0.9.1 => github.com/fork/errors v0.9.2
	github.com/quoted/path => github.com/quoted/fork v0.1.1
)

exclude github.com/bad/mod v1.2.3

retract [v0.0.1, v0.0.5] // broken releases
