#!/usr/bin/env python
"""How much does a text-conditioned semantic transformer use its text? One JSON object on stdout (and `--out FILE`).

What: the per-id cross-entropy (nats, teacher forcing, EOS included) of each run's newest checkpoint (EMA weights once
they have started) on the held-out pairs of a token cache (`audiolm train tts` writes `OUT/tokens/test.pt`: sentences
no voice spoke in training), computed twice: with each clip's sentence and with no text. The difference is what the
text tells the model. Beside them: the set's own (untexted) semantic transformer on the same ids, and each run's
steps, minutes and validation losses from its `metrics.csv`.

    OMP_NUM_THREADS=1 python bench/tts_text_gain.py --tokens RUN/tokens/test.pt RUN_A/semantic RUN_B/semantic --out F
"""
from __future__ import annotations
import argparse, csv, json
from pathlib import Path
import torch
from timing import finish, loadavg, now


def loss(model, ds, text: bool) -> float:
    tot, n = 0., 0
    for i in range(len(ds)):
        ids = ds[i]['semantic'][None].long()
        with torch.no_grad(): l = model(ids, return_loss=True, **(dict(text=[ds.texts[i]]) if text else {}))
        tot += float(l) * ids.shape[1]; n += ids.shape[1]
    return round(tot / n, 4)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('runs', nargs='+', help='run folders (or checkpoints) of text-conditioned semantic transformers')
    p.add_argument('--tokens', required=True, help='held-out token cache with texts')
    p.add_argument('--model', default=None, help='the model set whose untexted semantic transformer is the baseline')
    p.add_argument('--threads', type=int, default=1)
    p.add_argument('--out', default=None)
    a = p.parse_args(argv)
    torch.set_num_threads(a.threads)
    from audiolm_nb.trainer.tokens import TokenDataset
    from audiolm_nb.pretrained import load_model_set
    from audiolm_nb.generate import load_transformer
    ds = TokenDataset(a.tokens)
    res = dict(started=now(), loadavg_before=loadavg(), tokens=a.tokens, clips=len(ds),
               ids=int(sum(len(ds[i]['semantic']) for i in range(len(ds)))),
               baseline=dict(model=a.model or 'shipped', without_text=loss(load_model_set(a.model, fast=False)['semantic'], ds, False)))
    res['runs'] = {}
    for run in a.runs:
        m, desc = load_transformer(run, 'semantic')
        folder = Path(run) if Path(run).is_dir() else Path(run).parent
        valid = [(int(r['step']), round(float(r['value']), 4)) for r in csv.DictReader(open(folder/'metrics.csv')) if r['name'] == 'valid_loss']
        info = json.loads((folder.parent/'tts.json').read_text()) if (folder.parent/'tts.json').exists() else {}
        w, wo = loss(m, ds, True), loss(m, ds, False)
        res['runs'][run] = dict(loaded=desc, with_text=w, without_text=wo, text_gain=round(wo - w, 4), valid_loss=valid,
                                **{k: info[k] for k in ('attach', 'minutes', 'steps') if k in info})
    finish(res, a.out)


if __name__ == '__main__':
    main()
