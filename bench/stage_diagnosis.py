#!/usr/bin/env python
"""Which stage of a model set makes its continuations sound worse than the codec? One JSON object on stdout.

For `--n` held-out utterances (the first 6 s of each: a 3 s prompt and its real 3 s continuation), the last 3 s are
made five ways and scored with DNSMOS (OVRL, SIG, BAK; speechmos) and speaker similarity to the prompt (resemblyzer):

  codec          the real codes of all 6 s, decoded (the codec's ceiling)
  fine           real semantic ids and coarse codes; the fine codes of the last 3 s generated (the prompt's given)
  coarse_fine    real semantic ids; coarse and fine codes of the last 3 s generated (`--coarse-temperature` too)
  full           everything after the prompt generated, as `AudioLM(prime_wave=..., seconds=3)` does

With `--coarse-decoder CKPT` (a decoder trained on coarse codes alone; its moving-average weights), the real coarse
codes (`coarse_decoder`) and each generated coarse line (`coarse_t{T}_decoder`) are also decoded by it with no fine
codes at all: what the fine stage adds.

so the drop from one line to the next is what that stage costs. Generated codes are decoded as `AudioLM` decodes them:
with the set's generation codec when it has one (a decoder trained on generated codes), whose decoding of the real
codes is reported too (`codec_generation_decoder`).

    OMP_NUM_THREADS=2 python bench/stage_diagnosis.py --model audiolm_nb/assets/audiolm_speech.safetensors --n 8"""
from __future__ import annotations
import argparse, statistics, sys
from pathlib import Path
import torch
from continuation import Evaluators, SR, load, pick
from timing import finish, loadavg, now


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--model', default=None)
    p.add_argument('--corpus', default='/work/data/voices')
    p.add_argument('--split', default='valid_seen')
    p.add_argument('--n', type=int, default=8)
    p.add_argument('--threads', type=int, default=2)
    p.add_argument('--coarse-temperature', type=float, nargs='*', default=[1.0, 0.7])
    p.add_argument('--fine-temperature', type=float, nargs='*', default=[1.0], help='fine-stage temperatures (0: greedy)')
    p.add_argument('--coarse-decoder', default=None, help='SoundStream checkpoint of a decoder for the coarse codes alone')
    p.add_argument('--skip-full', action='store_true')
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--out', default=None)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    from audiolm_nb.pretrained import pretrained
    from audiolm_nb.transformer.wrappers import join_codes
    res = dict(started=now(), loadavg_before=loadavg(), model=a.model or 'shipped', split=a.split, n=a.n)
    lm = pretrained(a.model)
    ev = Evaluators(a.threads)
    corpus = Path(a.corpus)
    files = pick([corpus/l for l in (corpus/'splits'/f'{a.split}.txt').read_text().split()], a.n)
    hop, P = lm.codec.downsample_factor, round(3 * lm.frame_hz)
    gen_codec = getattr(lm, 'generation_codec', None) or lm.codec      # what AudioLM decodes generated codes with
    def decode(coarse, fine, codec=gen_codec):
        return codec.decode_from_codebook_indices(join_codes(coarse, fine, lm.coarse.groups)).reshape(-1)
    if a.coarse_decoder:
        from audiolm_nb.loading import load_codec
        cdec = load_codec(a.coarse_decoder, use_ema=True).eval()
        res['coarse_decoder'] = a.coarse_decoder
    no_fine = lambda c: decode(c, torch.full((*c.shape[:2], lm.fine.qf), -1), cdec)
    rows = []
    for f in files:
        wave = load(f)[:6 * SR]
        if wave.numel() < 6 * SR: continue
        torch.manual_seed(a.seed)
        with torch.no_grad():
            sem, coarse, fine = lm._prime(wave[None], SR)
            made = dict(codec=decode(coarse, fine, lm.codec))
            if gen_codec is not lm.codec: made['codec_generation_decoder'] = decode(coarse, fine)
            if a.coarse_decoder: made['coarse_decoder'] = no_fine(coarse)
            for ft in a.fine_temperature:
                name = 'fine' if ft == 1 else f'fine_t{ft:g}'
                made[name] = decode(coarse, lm.fine.generate(coarse, prime_fine_token_ids=fine[:, :P], temperature=ft))
            for t in a.coarse_temperature:
                c = lm.coarse.generate(sem, prime_coarse_token_ids=coarse[:, :P], max_time_steps=coarse.shape[1],
                                       min_time_steps=coarse.shape[1], temperature=t)
                c = c.clamp(min=0)
                if a.coarse_decoder: made[f'coarse_t{t:g}_decoder'] = no_fine(c)
                for ft in a.fine_temperature:
                    name = f'coarse_fine_t{t:g}' + ('' if ft == 1 else f'_fine_t{ft:g}')
                    made[name] = decode(c, lm.fine.generate(c, prime_fine_token_ids=fine[:, :P], temperature=ft))
            if not a.skip_full: made['full'] = torch.cat((wave[:P * hop], lm(prime_wave=wave[None, :3 * SR], prime_wave_input_sample_hz=SR, seconds=3,
                                                                         return_continuation_only=True)[0]))
        prompt = wave[:3 * SR].numpy()
        e_prompt = ev.embed(prompt)
        row = dict(file=f.name)
        for k, w in made.items():
            tail = w[P * hop:P * hop + 3 * SR].float().numpy()
            mos = ev.mos(tail)
            row[k] = dict(ovrl=round(mos['ovrl'], 3), sig=round(mos['sig'], 3), bak=round(mos['bak'], 3),
                          similarity=round(float(e_prompt @ ev.embed(tail)), 3))
        rows.append(row)
        print(f.name, {k: v['ovrl'] for k, v in row.items() if k != 'file'}, file=sys.stderr, flush=True)
    keys = [k for k in rows[0] if k != 'file']
    res['mean'] = {k: {m: round(statistics.fmean(r[k][m] for r in rows), 3) for m in ('ovrl', 'sig', 'bak', 'similarity')}
                   for k in keys}
    res['items'] = rows
    finish(res, a.out)


if __name__ == '__main__':
    sys.exit(main())
