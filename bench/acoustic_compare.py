#!/usr/bin/env python
"""The hierarchical acoustic transformer against the coarse + parallel fine pair, trained on the same tokens.

    OMP_NUM_THREADS=2 python bench/acoustic_compare.py --pair COARSE_DIR FINE_DIR --acoustic ACOUSTIC_DIR \
        --tokens VALID_TOKENS.pt --out F

For each acoustic model (the newest checkpoint of each run folder, EMA weights, as `audiolm generate` loads them):

  per_quantizer   mean cross-entropy (nats per code) of every quantizer's codes on the held-out token cache, with
                  teacher forcing: the pair's coarse model for the first quantizers, its fine model for the rest; the
                  hierarchical model's `loss_breakdown`. The end-of-audio target (one per clip) is left out of both.
  generation      wall / CPU seconds to generate 3 s of codes (150 frames after 150 semantic ids) at batch 1 with the
                  int8 copies AudioLM samples from (`for_cpu_generation`), median of `--repeats` after a warm-up
  params          parameter counts (millions)
  train           steps each run trained and the wall span of its metrics.csv (first to last row; a resumed run's
                  span includes the pause), so equal budgets can be checked

Prints one JSON object (and writes `--out`)."""
from __future__ import annotations
import argparse, csv, sys
from pathlib import Path
import torch
import torch.nn.functional as F
from einops import rearrange
from timing import finish, loadavg, now, timed


def load_run(folder, kind: str) -> torch.nn.Module:
    from audiolm_nb.generate import load_transformer
    return load_transformer(folder, kind)[0]


def trained(folder) -> dict:
    rows = list(csv.DictReader(open(Path(folder)/'metrics.csv')))
    t = [float(r['time']) for r in rows]
    return dict(steps=max(int(r['step']) for r in rows), wall_span_minutes=round((max(t) - min(t)) / 60, 1))


@torch.no_grad()
def pair_ce(coarse, fine, sem, codes) -> tuple[torch.Tensor, torch.Tensor]:
    "Summed cross-entropy per quantizer and counts, over real codes (no EOS)"
    qc = coarse.num_coarse_quantizers
    logits = coarse(sem, codes[..., :qc])[:, :-1]                                    # drop the after-last (EOS) slot
    flat = rearrange(codes[..., :qc], 'b f q -> b (f q)')
    ce = F.cross_entropy(rearrange(logits, 'b n c -> b c n'), flat.clamp(min=0), reduction='none')
    real = flat >= 0
    ce_c = rearrange(ce * real, 'b (f q) -> (b f) q', q=qc).sum(0); n_c = rearrange(real, 'b (f q) -> (b f) q', q=qc).sum(0)
    lf = fine(codes[..., :qc], codes[..., qc:])
    tf = codes[..., qc:]
    real_f = (codes[..., :qc] >= 0).all(-1, keepdim=True) & (tf >= 0)
    ce_f = F.cross_entropy(rearrange(lf, 'b f q c -> b c f q'), tf.clamp(min=0), reduction='none')
    return torch.cat((ce_c, (ce_f * real_f).sum((0, 1)))), torch.cat((n_c, real_f.sum((0, 1))))


@torch.no_grad()
def hier_ce(model, sem, codes) -> tuple[torch.Tensor, torch.Tensor]:
    logits, tg = model(sem, codes), model.targets(codes)
    real = (tg >= 0) & (tg != model.eos_id)
    ce = F.cross_entropy(rearrange(logits, 'b f q c -> b c f q'), tg.clamp(min=0), reduction='none')
    return (ce * real).sum((0, 1)), real.sum((0, 1))


def evaluate(fn, batches) -> list[float]:
    tot = cnt = 0
    for sem, codes in batches:
        s, n = fn(sem, codes); tot, cnt = tot + s, cnt + n
    return [round(float(x), 4) for x in tot / cnt.clamp(min=1)]


def STEPS_KW(m) -> dict:
    "Hold EOS back so both generate the full 150 frames (equal work), when the model can"
    import inspect
    return dict(min_time_steps=150) if 'min_time_steps' in inspect.signature(m.generate).parameters else {}


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--pair', nargs=2, required=True, metavar=('COARSE_DIR', 'FINE_DIR'))
    p.add_argument('--acoustic', required=True)
    p.add_argument('--tokens', required=True, help='held-out token cache (semantic ids and codes)')
    p.add_argument('--max-clips', type=int, default=40)
    p.add_argument('--seconds', type=float, default=6.)
    p.add_argument('--repeats', type=int, default=3)
    p.add_argument('--threads', type=int, default=2)
    p.add_argument('--out', default=None)
    a = p.parse_args()
    torch.set_num_threads(a.threads); torch.manual_seed(0)
    from audiolm_nb.trainer.tokens import TokenDataset
    res = dict(started=now(), loadavg_before=loadavg(), threads=a.threads, tokens=a.tokens)
    coarse, fine, hier = (load_run(f, k).eval() for f, k in zip((*a.pair, a.acoustic), ('coarse', 'fine', 'acoustic')))
    ds = TokenDataset(a.tokens, kinds=('semantic', 'codes'), max_seconds=a.seconds, random_crop=False)
    items = [ds[i] for i in range(min(len(ds), a.max_clips))]
    batches = [(it['semantic'][None].long(), it['codes'][None].long()) for it in items]
    res['clips'] = len(batches)
    res['per_quantizer'] = dict(pair=evaluate(lambda s, c: pair_ce(coarse, fine, s, c), batches),
                                hierarchical=evaluate(lambda s, c: hier_ce(hier, s, c), batches))
    for k, v in list(res['per_quantizer'].items()): res[f'mean_{k}'] = round(sum(v) / len(v), 4)
    res['params_m'] = dict(pair=round(sum(p.numel() for m in (coarse, fine) for p in m.parameters()) / 1e6, 2),
                           hierarchical=round(sum(p.numel() for p in hier.parameters()) / 1e6, 2))
    res['train'] = dict(coarse=trained(a.pair[0]), fine=trained(a.pair[1]), acoustic=trained(a.acoustic))
    sem = torch.randint(0, coarse.num_semantic_tokens, (1, 150))
    c8, f8, h8 = coarse.for_cpu_generation('int8'), fine.for_cpu_generation('int8'), hier.for_cpu_generation('int8')
    def gen_pair():
        torch.manual_seed(0)
        c = c8.generate(sem, max_time_steps=150, **STEPS_KW(c8))
        f8.generate(c[:, :(c >= 0).all(-1).sum(1).min()])   # whole frames only
    def gen_hier():
        torch.manual_seed(0)
        h8.generate(sem, max_time_steps=150, **STEPS_KW(h8))
    res['generation_3s'] = dict(pair=timed(gen_pair, a.repeats), hierarchical=timed(gen_hier, a.repeats))
    finish(res, a.out)


if __name__ == '__main__':
    sys.exit(main())
