package app

import (
	"reflect"
	"slices"
	"testing"

	"github.com/switchboard-cc/switchboard/internal/access"
	"github.com/switchboard-cc/switchboard/internal/macro"
	"github.com/switchboard-cc/switchboard/internal/merge"
	"github.com/switchboard-cc/switchboard/internal/survey"
)

// TestRawUseCasesNeedNoRule checks the use cases built over the store
// itself rather than access.Guard (newUseCases) call no operation that
// has an access rule: users reach every rule through the guard.
func TestRawUseCasesNeedNoRule(t *testing.T) {
	for name, iface := range map[string]reflect.Type{
		"macro.Store":  reflect.TypeOf((*macro.Store)(nil)).Elem(),
		"merge.Store":  reflect.TypeOf((*merge.Store)(nil)).Elem(),
		"survey.Store": reflect.TypeOf((*survey.Store)(nil)).Elem(),
	} {
		for i := 0; i < iface.NumMethod(); i++ {
			op := iface.Method(i).Name
			if _, ok := access.Rules[op]; ok || slices.Contains(access.DataRules, op) {
				t.Errorf("%s needs %s, which has an access rule: build the use case over access.Guard", name, op)
			}
		}
	}
}
