#!/usr/bin/env python
"""Write README.md from nbs/index.ipynb (Quarto, which `nbdev-readme` needs, is not installable offline).
Hidden cells (`#| hide`) and directive lines are dropped; code cells become python blocks.
`--check` exits 1 when README.md is out of date."""
import json, sys
from pathlib import Path

root = Path(__file__).resolve().parent.parent

def render() -> str:
    nb = json.loads((root/'nbs'/'index.ipynb').read_text())
    parts = []
    for c in nb['cells']:
        src = ''.join(c['source'])
        lines = src.splitlines()
        if any(l.strip() in ('#| hide', '#|hide') for l in lines): continue
        if c['cell_type'] == 'markdown': parts.append(src.strip())
        elif c['cell_type'] == 'code':
            code = '\n'.join(l for l in lines if not l.startswith('#|')).strip()
            if code: parts.append(f'```python\n{code}\n```')
    return '\n\n'.join(parts) + '\n'

if __name__ == '__main__':
    text = render()
    if '--check' in sys.argv:
        ok = (root/'README.md').exists() and (root/'README.md').read_text() == text
        if not ok: print('README.md is out of date: run python tools/make_readme.py')
        sys.exit(0 if ok else 1)
    (root/'README.md').write_text(text)
