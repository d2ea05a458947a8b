package access

import (
	"context"
	"reflect"
	"testing"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// panicStore is a Store whose every method panics (its embedded Store is
// nil): a call that reaches it is told by the panic.
type panicStore struct{ Store }

// actors are every kind of caller: none, each role, the server, and an
// integration token whose creator is gone (no role). A token acting for
// a living creator is an Actor with the creator's role, as a session's.
var actors = []struct {
	name  string
	actor *desk.Actor
	holds map[desk.Role]bool
}{
	{"none", nil, nil},
	{"agent", &desk.Actor{AgentID: 7, Role: desk.RoleAgent}, map[desk.Role]bool{desk.RoleAgent: true}},
	{"supervisor", &desk.Actor{AgentID: 8, Role: desk.RoleSupervisor},
		map[desk.Role]bool{desk.RoleAgent: true, desk.RoleSupervisor: true}},
	{"admin", &desk.Actor{AgentID: 9, Role: desk.RoleAdmin},
		map[desk.Role]bool{desk.RoleAgent: true, desk.RoleSupervisor: true, desk.RoleAdmin: true}},
	{"system", desk.SystemActor,
		map[desk.Role]bool{desk.RoleAgent: true, desk.RoleSupervisor: true, desk.RoleAdmin: true}},
	{"orphan token", &desk.Actor{Name: "integration:gone"}, map[desk.Role]bool{}},
	{"admin's token", &desk.Actor{AgentID: 9, Name: "integration:ci", Role: desk.RoleAdmin},
		map[desk.Role]bool{desk.RoleAgent: true, desk.RoleSupervisor: true, desk.RoleAdmin: true}},
}

func ctxOf(a *desk.Actor) context.Context {
	if a == nil {
		return context.Background()
	}
	return desk.NewContextWithActor(context.Background(), a)
}

var ctxType = reflect.TypeOf((*context.Context)(nil)).Elem()

// call calls op on g with ctx and zero values for its other arguments. It reports whether the
// call reached the wrapped store and, if not, the error Guard returned.
func call(t *testing.T, g *Guard, op string, ctx context.Context) (reached bool, err error) {
	t.Helper()
	m := reflect.ValueOf(g).MethodByName(op)
	if !m.IsValid() {
		t.Fatalf("Guard has no method %s", op)
	}
	mt := m.Type()
	n := mt.NumIn()
	if mt.IsVariadic() {
		n--
	}
	in := make([]reflect.Value, n)
	for i := range in {
		in[i] = reflect.Zero(mt.In(i))
		if mt.In(i) == ctxType {
			in[i] = reflect.ValueOf(ctx)
		}
	}
	defer func() {
		if recover() != nil {
			reached = true
		}
	}()
	out := m.Call(in)
	if e := out[len(out)-1]; !e.IsNil() {
		err = e.Interface().(error)
	}
	return false, err
}

// TestEveryOperationHasADecision requires each operation of Store to be
// in exactly one of Rules, DataRules and Open, and nothing else there.
func TestEveryOperationHasADecision(t *testing.T) {
	st := reflect.TypeOf((*Store)(nil)).Elem()
	where := map[string][]string{}
	for op := range Rules {
		where[op] = append(where[op], "Rules")
	}
	for _, op := range DataRules {
		where[op] = append(where[op], "DataRules")
	}
	for _, op := range Open {
		where[op] = append(where[op], "Open")
	}
	for i := 0; i < st.NumMethod(); i++ {
		op := st.Method(i).Name
		if len(where[op]) != 1 {
			t.Errorf("%s is in %v: want exactly one of Rules, DataRules, Open", op, where[op])
		}
		delete(where, op)
	}
	for op := range where {
		t.Errorf("%s is not an operation of Store", op)
	}
	for op, r := range Rules {
		if !r.Valid() {
			t.Errorf("Rules[%s] = %q: not a role", op, r)
		}
	}
}

// TestRules calls every guarded operation as every kind of actor: it
// reaches the store exactly when the actor holds the operation's role,
// else fails as desk.RequireRole does.
func TestRules(t *testing.T) {
	g := Wrap(panicStore{})
	for op, min := range Rules {
		for _, a := range actors {
			reached, err := call(t, g, op, ctxOf(a.actor))
			want := a.holds[min]
			if reached != want {
				t.Errorf("%s as %s: reached the store %v, want %v (rule: %s)", op, a.name, reached, want, min)
				continue
			}
			if reached {
				continue
			}
			_, wantErr := desk.RequireRole(ctxOf(a.actor), min)
			if desk.ErrorKind(err) != desk.ErrorKind(wantErr) || desk.ErrorMessage(err) != desk.ErrorMessage(wantErr) {
				t.Errorf("%s as %s: %v, want %v", op, a.name, err, wantErr)
			}
		}
	}
}

// TestOpen checks the operations open to every actor are not guarded:
// each reaches the store as an agent and with no actor at all (the store
// decides about those).
func TestOpen(t *testing.T) {
	g := Wrap(panicStore{})
	for _, op := range Open {
		for _, a := range []*desk.Actor{nil, {AgentID: 7, Role: desk.RoleAgent}} {
			if reached, err := call(t, g, op, ctxOf(a)); !reached {
				t.Errorf("%s as %v: %v, want it passed to the store", op, a, err)
			}
		}
	}
}

// TestRequireFailsClosed checks an operation without a rule is refused.
func TestRequireFailsClosed(t *testing.T) {
	err := Wrap(panicStore{}).require(ctxOf(desk.SystemActor), "NoSuchOperation")
	if desk.ErrorKind(err) != desk.EINTERNAL {
		t.Fatalf("got %v, want an internal error", err)
	}
}

// BenchmarkRequire is the cost a guarded call adds before the store.
func BenchmarkRequire(b *testing.B) {
	g := Wrap(panicStore{})
	ctx := ctxOf(&desk.Actor{AgentID: 8, Role: desk.RoleSupervisor})
	for b.Loop() {
		if err := g.require(ctx, "UpdateQueue"); err != nil {
			b.Fatal(err)
		}
	}
}
