"""The repository's shape, checked: exported modules import each other one way (no cycles), each
notebook imports only earlier notebooks, no method leaks into a module's `__all__`, no exported cell
is over 60 lines, every public exported function or method is used by a test cell within the next two
code cells, and the public API (names and signatures) matches `nbs/api_signatures.json`.

`python tools/structure.py` prints the problems (exit 1 if any); `--write-api` records the API."""
import ast, functools, importlib, inspect, json, re, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PKG = 'audiolm_nb'
API_FILE = ROOT/'nbs'/'api_signatures.json'
MAX_LINES = 60

@functools.cache
def _modules() -> dict[str, Path]:
    out = {}
    for f in sorted((ROOT/PKG).rglob('*.py')):
        if f.name == '_modidx.py': continue
        out[str(f.relative_to(ROOT).with_suffix('')).replace('/', '.').removesuffix('.__init__')] = f
    return out

def import_edges() -> dict[str, set[str]]:
    "Each exported module's imports of other modules of the package (function-level imports included)"
    mods = _modules(); edges = {}
    for name, f in mods.items():
        out, is_pkg = set(), f.name == '__init__.py'
        for node in ast.walk(ast.parse(f.read_text())):
            if isinstance(node, ast.ImportFrom):
                base = node.module or ''
                if node.level:
                    parent = name.split('.') if is_pkg else name.split('.')[:-1]
                    parent = parent[:len(parent) - node.level + 1]
                    base = '.'.join(parent + ([base] if base else []))
                out |= {f'{base}.{a.name}' if f'{base}.{a.name}' in mods else base for a in node.names}
            elif isinstance(node, ast.Import): out |= {a.name for a in node.names}
        edges[name] = {t for t in out if t in mods and t not in (name, PKG)}
    return edges

def import_cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    "Strongly connected groups of more than one module (each is an import cycle)"
    index, low, stack, comps = {}, {}, [], []
    def visit(v):
        index[v] = low[v] = len(index); stack.append(v)
        for w in edges[v]:
            if w not in index: visit(w); low[v] = min(low[v], low[w])
            elif w in stack: low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = stack[stack.index(v):]; del stack[stack.index(v):]
            if len(comp) > 1: comps.append(sorted(comp))
    for v in edges:
        if v not in index: visit(v)
    return comps

def notebook_of(module: str) -> str | None:
    m = re.search(r'File to edit: (?:\.\./)+nbs/(\S+?\.ipynb)', _modules()[module].read_text())
    return m and m.group(1)

def order_problems(edges) -> list[str]:
    "Notebooks that import a module defined by a later notebook (the API notebook gathers everything)"
    nb = {m: notebook_of(m) for m in edges}
    return [f'{nb[a]} ({a}) imports later notebook {nb[b]} ({b})' for a, ts in edges.items() for b in ts
            if nb[a] and nb[b] and nb[b] > nb[a] and not a.endswith('__init__') and a != PKG]

def _cells(nb: Path) -> list[tuple[str, str]]:
    return [(c['cell_type'], ''.join(c['source'])) for c in json.loads(nb.read_text())['cells']]

def is_export(src: str) -> bool: return bool(re.match(r'\s*#\|\s*export', src))

def defined_names(src: str) -> list[tuple[str, str | None]]:
    "Public functions, classes and methods (name, class) defined in an exported cell"
    try: tree = ast.parse(src)
    except SyntaxError: return []
    out = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            cls = None
            if node.args.args and isinstance(node.args.args[0].annotation, ast.Name) and \
               any(getattr(d, 'id', None) == 'patch' or getattr(getattr(d, 'func', None), 'id', None) == 'patch' for d in node.decorator_list):
                cls = node.args.args[0].annotation.id
            out.append((node.name, cls))
        elif isinstance(node, ast.ClassDef):
            out.append((node.name, None))
            if not node.name.startswith('_'):
                out += [(n.name, node.name) for n in node.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
    return [(n, c) for n, c in out if not n.startswith('_')]

def untested(nb: Path) -> list[str]:
    "Public names of exported cells that no test cell among the next two code cells uses"
    code = [s for t, s in _cells(nb) if t == 'code']
    out = []
    for i, src in enumerate(code):
        if not is_export(src): continue
        tests = '\n'.join(s for s in code[i+1:i+3] if not is_export(s))
        for name, cls in defined_names(src):
            keys = [name, cls] if name == 'forward' and cls else [name]   # a model's forward is tested by calling it
            if not any(re.search(rf'\b{re.escape(k)}\b', tests) for k in keys):
                out.append(f'{nb.name}: {cls + "." if cls else ""}{name} has no test in the next two code cells')
    return out

def big_cells(nb: Path) -> list[str]:
    return [f'{nb.name}: exported cell of {n} lines' for t, s in _cells(nb)
            if t == 'code' and is_export(s) and (n := len(s.splitlines())) > MAX_LINES]

def leaked_methods() -> list[str]:
    "Methods attached with `@patch` or in a class body that a module's `__all__` exports by accident"
    out = []
    for name in _modules():
        mod = importlib.import_module(name)
        for n in getattr(mod, '__all__', []):
            obj = getattr(mod, n, None)
            qual = getattr(obj, '__qualname__', n)
            if inspect.isfunction(obj) and '.' in qual and '<locals>' not in qual: out.append(f'{name}.__all__ exports method {qual}')
    return out

def _sig(obj) -> str:
    "The signature as text; a method's `self` without its annotation (`@patch` annotates it, the class body does not)"
    try: return re.sub(r'^\(self: [^,)]+', '(self', str(inspect.signature(obj)))
    except (TypeError, ValueError): return ''

def api() -> dict[str, str]:
    "Every public name of every module's `__all__`, with its signature (classes: their public methods too)"
    out = {}
    for name in _modules():
        mod = importlib.import_module(name)
        for n in getattr(mod, '__all__', []):
            obj = getattr(mod, n)
            if inspect.isclass(obj):
                out[f'{name}.{n}'] = _sig(obj)
                for m, f in sorted(vars(obj).items()):
                    if (not m.startswith('_') or m in ('__init__', '__call__')) and callable(f): out[f'{name}.{n}.{m}'] = _sig(f)
            elif callable(obj): out[f'{name}.{n}'] = _sig(obj)
            else: out[f'{name}.{n}'] = type(obj).__name__
    return out

def api_changes(recorded: dict[str, str], now: dict[str, str]) -> list[str]:
    gone = [f'removed from the API: {k}' for k in recorded if k not in now]
    changed = [f'signature changed: {k}{recorded[k]} -> {now[k]}' for k in recorded if k in now and now[k] != recorded[k]]
    return gone + changed

def notebooks() -> list[Path]: return sorted((ROOT/'nbs').glob('[0-9]*.ipynb'))

def problems(tests_near: bool = True, api_check: bool = True) -> list[str]:
    edges = import_edges()
    out = [f'import cycle: {" <-> ".join(c)}' for c in import_cycles(edges)] + order_problems(edges)
    for nb in notebooks(): out += big_cells(nb) + (untested(nb) if tests_near else [])
    out += leaked_methods()
    if api_check: out += api_changes(json.loads(API_FILE.read_text()), api())
    return out

if __name__ == '__main__':
    sys.path.insert(0, str(ROOT))
    if '--write-api' in sys.argv: API_FILE.write_text(json.dumps(api(), indent=0, sort_keys=True) + '\n'); sys.exit()
    ps = problems(api_check=API_FILE.exists())
    print(*ps, sep='\n'); print(f'{len(ps)} structure problems'); sys.exit(bool(ps))
