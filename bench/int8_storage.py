#!/usr/bin/env python
"""How far the int8 storage of a model set's transformer matrices is from their float16 weights. One JSON object on stdout.

For every matrix `save_model_set(int8=True)` would store in int8 (a transformer's floating-point tensor of 2+ dims and at
least `INT8_MIN_NUMEL` elements), the relative Frobenius error of the per-row int8 copy the set stores
(`audiolm_nb.pretrained._int8_rows`) and of a per-tensor int8 copy (one scale per matrix, as the dynamic quantization of
`for_cpu_generation('int8')` makes of linear weights). Give it a set stored in float16 (`int8=False`, or one written
before int8 storage), e.g. the set of commit 2ff2695:

    git show 2ff2695:audiolm_nb/assets/audiolm_speech.safetensors > /tmp/set_fp16.safetensors
    python bench/int8_storage.py /tmp/set_fp16.safetensors --out bench/results/int8_storage.json"""
from __future__ import annotations
import argparse, json, statistics, sys
from pathlib import Path
import torch
from timing import now


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('model', help='a model set stored in float16')
    p.add_argument('--out', default=None)
    a = p.parse_args()
    from audiolm_nb.pretrained import read_model_set, _int8_rows, _dequantized, INT8_SCALE, INT8_MIN_NUMEL, INT8_MAX_ERROR
    meta, _, tensors = read_model_set(a.model)
    rows = []
    for k, v in tensors.items():
        if k.split('.')[0] in ('codec', 'generation_codec') or not v.is_floating_point() or v.ndim < 2 or v.numel() < INT8_MIN_NUMEL:
            continue
        w, q = v.float(), _int8_rows(v)        # None: refused, the set keeps it in float16 (no error)
        per_row = float((_dequantized({'w': q[0], 'w' + INT8_SCALE: q[1]})['w'] - w).norm() / w.norm()) if q else 0.
        st = w.abs().max() / 127
        per_tensor = float(((w / st).round().clamp(-127, 127) * st - w).norm() / w.norm())
        rows.append(dict(name=k, numel=w.numel(), per_row=round(per_row, 5), per_tensor=round(per_tensor, 5),
                         stored_int8=q is not None))
    summ = lambda key: dict(median=round(statistics.median(r[key] for r in rows), 5), max=round(max(r[key] for r in rows), 5))
    res = dict(started=now(), model=a.model, max_error=INT8_MAX_ERROR, matrices=len(rows),
               parameters=sum(r['numel'] for r in rows), stored_int8=sum(r['stored_int8'] for r in rows),
               per_row=summ('per_row'), per_tensor=summ('per_tensor'), items=rows)
    out = json.dumps(res, indent=1)
    print(out)
    if a.out: Path(a.out).write_text(out + '\n')


if __name__ == '__main__':
    sys.exit(main())
