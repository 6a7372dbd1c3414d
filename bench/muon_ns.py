#!/usr/bin/env python
"""Muon's Newton-Schulz orthogonalisation in bfloat16 against float32, on this CPU: the seconds one optimizer step
spends orthogonalising the filter banks of a codec (every generator filter, and the decoder's alone as
`--decoder-only` trains), for the codec as it is and with its decoder widened. `newton_schulz` picks the type
with `ns_dtype` (bf16 only where this CPU multiplies it natively); this shows what that choice is worth here.
One JSON object on stdout (and `--out FILE`).

    OMP_NUM_THREADS=2 python bench/muon_ns.py --codec CHECKPOINT --widen 24 --out bench/results/muon_ns_<cpu>.json
"""
from __future__ import annotations
import argparse
import torch
from timing import timed, finish, loadavg, now, cpu_model


def filters(params) -> list:
    "The parameters `muon_param_groups` puts on Muon: filter banks"
    return [p for p in params if p.ndim >= 3 and p.shape[0] > 1 and p[0].numel() > 1]


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--codec', required=True, help='a SoundStream checkpoint')
    p.add_argument('--widen', type=int, nargs='*', default=[], help='also with the decoder widened to these channels')
    p.add_argument('--threads', type=int, default=2)
    p.add_argument('--repeats', type=int, default=3)
    p.add_argument('--out', default=None)
    a = p.parse_args(argv)
    torch.set_num_threads(a.threads)
    from audiolm_nb.codec.soundstream import SoundStream
    from audiolm_nb.trainer.muon import newton_schulz, ns_dtype
    from audiolm_nb.precision import bf16_is_native
    ss = SoundStream.init_and_load_from(a.codec)
    res = dict(started=now(), cpu=cpu_model(), threads=a.threads, loadavg_before=loadavg(), codec=a.codec,
               bf16_is_native=bf16_is_native(), ns_dtype=str(ns_dtype(torch.device('cpu'))), rows=[])
    for width in [None, *a.widen]:
        m = ss if width is None else ss.widen_decoder(width)
        for part, params in (('generator', m.generator_parameters()), ('decoder', m.decoder_parameters())):
            grads = [torch.randn_like(p).reshape(p.shape[0], -1) for p in filters(params)]
            row = dict(decoder_channels=width or ss.config['channels'], part=part, filter_banks=len(grads),
                       values=sum(g.numel() for g in grads))
            for dt in (torch.bfloat16, torch.float32):
                row[str(dt).split('.')[1]] = timed(lambda: [newton_schulz(g, dtype=dt) for g in grads], repeats=a.repeats)
            row['bf16_over_fp32'] = round(row['bfloat16']['median_wall_s'] / row['float32']['median_wall_s'], 1)
            res['rows'].append(row)
    res['loadavg_after'] = loadavg()
    finish(res, a.out)


if __name__ == '__main__':
    main()
