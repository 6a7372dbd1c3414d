#!/usr/bin/env python
"""Which sampling temperature makes a model set's continuations most speech-like? One JSON object on stdout
(and `--out FILE`).

What: `--n` held-out prompts per split (valid_seen, valid_unseen of the `audiolm data voices` corpus, the first 3 s of
each utterance, picked round-robin over speakers as in `bench/continuation.py`) are continued by 3 s at each
`--temperatures` value (all three stages; `filter_thres` fixed at `--filter-thres`), same seed per prompt. For each
temperature: mean speaker similarity to the prompt (resemblyzer), DNSMOS OVRL and SIG (speechmos), Whisper tiny's
no-speech probability and words recognised (faster-whisper), with the evaluators and rules of
`bench/continuation.py`. Use it to choose the temperature a model set's card records (`card['sampling']['temperature']`,
the default of `AudioLM.pretrained` and `audiolm generate`), then measure the chosen setting with
`bench/continuation.py` on other prompts (`--n 30` there; this sweep uses the first `--n`).

`--configs JSON` sweeps per-stage sampling settings instead: `{"name": {"coarse": {"top_p": 0.8}}, "base": {}}` runs
each stage's `generate` with those keyword arguments on top of AudioLM's (`temperature`, `top_p`, `top_k`, ...);
results are keyed by name and also split by held-out split.

    OMP_NUM_THREADS=2 python bench/sampling_sweep.py --model audiolm_nb/assets/audiolm_speech.safetensors --n 4 \\
        --temperatures 0.6 0.8 1.0 --out bench/results/sampling_sweep.json
"""
from __future__ import annotations
import argparse, json, os, statistics, sys, time
from pathlib import Path

import numpy as np
import torch

from continuation import (Evaluators, SR, continuation_fn, load, loadavg, log, now, pick, fnum)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--model', default=None, help='model set (default: the shipped one)')
    p.add_argument('--corpus', default='/work/data/voices')
    p.add_argument('--n', type=int, default=4, help='prompts per held-out split')
    p.add_argument('--temperatures', type=float, nargs='+', default=[0.6, 0.8, 1.0])
    p.add_argument('--filter-thres', type=float, default=0.9)
    p.add_argument('--threads', type=int, default=2)
    p.add_argument('--configs', type=json.loads, default=None,
                   help='JSON {name: {stage: {kwarg: value}}}: per-stage settings swept instead of --temperatures')
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--out', default=None)
    a = p.parse_args(argv)
    torch.set_num_threads(a.threads)
    from audiolm_nb import AudioLM
    started, load0 = now(), loadavg()
    lm = AudioLM.pretrained(a.model)
    fn, _ = continuation_fn(lm)
    ev = Evaluators(a.threads)
    corpus = Path(a.corpus)
    prompts = {}
    for split in ('valid_seen', 'valid_unseen'):
        files = [corpus/f for f in (corpus/'splits'/f'{split}.txt').read_text().split()]
        prompts[split] = [(f, load(f)[:3 * SR]) for f in pick(files, a.n)]
    rows = {}
    stages = {s: getattr(lm, s).generate for s in ('semantic', 'coarse', 'fine')}
    def setting(cfg: dict):   # each stage's generate with the config's keyword arguments over AudioLM's
        for s, gen in stages.items():
            over = cfg.get(s)
            setattr(getattr(lm, s), 'generate', (lambda g, o: lambda *x, **k: g(*x, **(k | o)))(gen, over) if over else gen)
    sweep = a.configs if a.configs else {str(t): None for t in a.temperatures}
    for name, cfg in sweep.items():
        setting(cfg or {})
        t = 1. if cfg is not None else float(name)
        per = []
        for split, items in prompts.items():
            for i, (f, prompt) in enumerate(items):
                torch.manual_seed(a.seed + i)
                t0 = time.perf_counter()
                cont = fn(prompt, temperature=t, filter_thres=a.filter_thres).float().cpu().numpy()
                wall = time.perf_counter() - t0
                sim = float(np.dot(ev.embed(prompt.numpy()), ev.embed(cont)))
                per.append(dict(split=split, file=f.name, similarity=fnum(sim), seconds=fnum(wall, 2),
                                **{f'dnsmos_{k}': v for k, v in ev.mos(cont).items()}, **ev.asr(cont)))
        mean = lambda k, sp=None: fnum(statistics.fmean(r[k] for r in per if r[k] is not None and sp in (None, r['split'])))
        rows[name] = dict(config=cfg, similarity=mean('similarity'), similarity_seen=mean('similarity', 'valid_seen'),
                          similarity_unseen=mean('similarity', 'valid_unseen'), dnsmos_ovrl=mean('dnsmos_ovrl'),
                          dnsmos_sig=mean('dnsmos_sig'), no_speech_prob=mean('no_speech_prob'), words=mean('words'),
                          seconds=mean('seconds'), items=per)
        log(f'{name}: ' + ', '.join(f'{k} {v}' for k, v in rows[name].items() if k not in ('items', 'config')))
    res = dict(bench='sampling_sweep', started=started, argv=sys.argv[1:], settings=vars(a), loadavg_before=load0,
               loadavg_after=loadavg(), card=getattr(lm, 'card', None), results=rows)
    text = json.dumps(res, indent=1)
    if a.out: Path(a.out).write_text(text)
    print(text)


if __name__ == '__main__': main()
