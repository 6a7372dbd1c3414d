#!/usr/bin/env python
"""Held-out cross-entropy of coarse (or, `--kind fine`, fine) transformers: is more training data or more steps still
lowering it? One JSON object.

What: the mean cross-entropy (nats per coarse code, teacher forcing) of each model on the first 6 s of every clip of
held-out token caches (the recipe run's `tokens/valid_seen.pt` and `tokens/valid_unseen.pt`), batches of 8. Models
are model sets (`.safetensors`: their coarse part, float32 as read back) or checkpoints / run folders of `audiolm train
coarse` (EMA weights). For a checkpoint, its run's training loss averaged over the 50 steps before it (`metrics.csv`).
With `--kind fine`, also the loss of each fine level (`<cache>_per_level`); a cache may hold more quantizers than a
model predicts (a codec grown by `add_quantizers`): each model is scored on its own, first, levels.

    OMP_NUM_THREADS=1 python bench/coarse_heldout.py SET.safetensors RUN/coarse.1174.pt RUN2/coarse.2000.pt \\
        --tokens RUN/tokens/valid_seen.pt RUN/tokens/valid_unseen.pt --out F
"""
from __future__ import annotations
import argparse, csv
from pathlib import Path
import torch
from timing import finish, loadavg, now


def heldout_loss(model, path: str, seconds: float = 6., batch: int = 8, kind: str = 'coarse') -> float | tuple[float, list]:
    """Mean cross-entropy; for `kind='fine'` also the mean of each fine level (the cache may hold more quantizers than the
    model predicts, e.g. a codec grown by `add_quantizers`: the model's levels are the first ones)"""
    import torch.nn.functional as F
    from audiolm_nb.trainer.tokens import TokenDataset, collate_items
    from audiolm_nb.transformer.wrappers import split_codes
    ds, tot, n, lv, lv_n = TokenDataset(path, max_seconds=seconds, random_crop=False), 0., 0, 0., 0.
    for i in range(0, len(ds), batch):
        b = collate_items([ds[j] for j in range(i, min(i + batch, len(ds)))])
        coarse, fine = split_codes(b['codes'], model.num_coarse_quantizers, model.groups)
        if kind == 'fine': fine = fine[..., :model.qf]
        inputs = (b['semantic'], coarse) if kind == 'coarse' else (coarse, fine)
        with torch.no_grad():
            tot += float(model(*inputs, return_loss=True)) * len(coarse)
            if kind == 'fine':
                logits, valid = model(*inputs).float(), (fine >= 0) & (coarse >= 0).all(-1, keepdim=True)
                ce = F.cross_entropy(logits.flatten(0, -2), fine.clamp(min=0).flatten(), reduction='none').view(fine.shape)
                lv, lv_n = lv + (ce * valid).sum((0, 1)), lv_n + valid.sum((0, 1))
        n += len(coarse)
    mean = round(tot / n, 4)
    return (mean, [round(float(x), 4) for x in lv / lv_n]) if kind == 'fine' else mean


def train_loss_before(ckpt: Path, steps: int = 50) -> float | None:
    "The run's mean training loss over the `steps` steps up to the checkpoint's"
    m = ckpt.parent/'metrics.csv'
    step = int(ckpt.stem.split('.')[-1]) if ckpt.suffix == '.pt' else None
    if not (m.exists() and step): return None
    xs = [float(r['value']) for r in csv.DictReader(open(m)) if r['name'] == 'loss' and step - steps < int(r['step']) <= step]
    return round(sum(xs) / len(xs), 4) if xs else None


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('models', nargs='+', help='model sets (.safetensors) or coarse checkpoints / run folders')
    p.add_argument('--tokens', nargs='+', required=True, help='held-out token caches (`audiolm tokenize`, same tokenizers)')
    p.add_argument('--kind', choices=['coarse', 'fine'], default='coarse')
    p.add_argument('--threads', type=int, default=1)
    p.add_argument('--out', default=None)
    a = p.parse_args(argv)
    torch.set_num_threads(a.threads)
    from audiolm_nb.generate import load_transformer
    from audiolm_nb.pretrained import load_model_set
    res = dict(started=now(), loadavg_before=loadavg(), kind=a.kind, tokens=a.tokens, models={})
    for spec in a.models:
        if spec.endswith('.safetensors'): m, desc, train = load_model_set(spec, fast=False)[a.kind].eval(), spec, None
        else: (m, desc), train = load_transformer(spec, a.kind), train_loss_before(Path(spec))
        r = res['models'][spec] = dict(loaded=desc, train_loss=train)
        for t in a.tokens:
            out = heldout_loss(m, t, kind=a.kind)
            if a.kind == 'fine': r[Path(t).stem], r[Path(t).stem + '_per_level'] = out
            else: r[Path(t).stem] = out
    finish(res, a.out)


if __name__ == '__main__':
    main()
