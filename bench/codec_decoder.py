#!/usr/bin/env python
"""Codecs that share their codes, compared: the codec of a model set against decoders trained further with
`audiolm train soundstream --init-from CODEC --decoder-only` (checkpoints), each with its trained weights and, with
`--ema`, the trainer's moving average, rounded to float16 as a model set stores them. One JSON object on stdout (and `--out FILE`).

For each codec (always the bf16 `for_cpu_inference()` copy that generation uses, every quantizer):
  codec         STOI, PESQ-WB, mel distance, SI-SNR (`audiolm_nb.codec.metrics.evaluate_codec`) on the first
                `--seconds` of `--n` held-out utterances of each split of the voices corpus (`valid_seen`: training
                speakers, `valid_unseen`: a voice never trained on; round-robin over speakers as bench/continuation.py).
  dnsmos        speechmos DNSMOS OVRL / SIG / BAK of the same re-syntheses, beside the real audio's.
  speaker_similarity  resemblyzer cosine similarity of each re-synthesis to its original (the speaker the codec keeps).
  whisper_wer   Whisper tiny word error rate of the re-synthesis of `--wer-n` held-out flite sentences of the pairs
                corpus (`splits/test.txt`, speaker slt), beside flite's own reading.
  codes_equal   whether the codec's codes of every clip equal the first codec's (a decoder-only run must keep them;
                with quantizers added, its first ones).

    OMP_NUM_THREADS=2 python bench/codec_decoder.py --ckpt A=/work/runs/dec/A/soundstream.4000.pt --ema \\
        --n 30 --wer-n 30 --out bench/results/codec_decoder_<name>.json
"""
from __future__ import annotations
import argparse, json, statistics, sys, time
from pathlib import Path
import numpy as np
import torch
from continuation import Evaluators, SR, load, pick, resynth, mean_n, fnum, log
from timing import finish, loadavg, now
from tts import norm_words


def ema_codec(path):
    "The SoundStream of a training checkpoint with the trainer's moving-average weights (None when it has none yet)"
    from audiolm_nb.loading import checkpoint_weights, load_codec
    from audiolm_nb.checkpoint import safe_load
    return load_codec(path, use_ema=True) if checkpoint_weights(safe_load(path))[1] == 'EMA weights' else None


def as_shipped(model):
    "The model with its floating-point weights rounded to float16, as a model set stores them"
    with torch.no_grad():
        for t in list(model.parameters()) + list(model.buffers()):
            if t.is_floating_point(): t.copy_(t.half().float())
    return model


def codecs(a) -> dict:
    from audiolm_nb.pretrained import load_model_set
    from audiolm_nb.codec.soundstream import SoundStream
    out = {'set': load_model_set(a.model, fast=False)['codec']}
    for spec in a.ckpt:
        name, path = spec.split('=', 1) if '=' in spec else (Path(spec).stem, spec)
        out[name] = SoundStream.init_and_load_from(path).eval()
        if a.ema and (m := ema_codec(path)) is not None: out[f'{name}_ema'] = m
    return {k: as_shipped(m.eval().requires_grad_(False)).for_cpu_inference() for k, m in out.items()}


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--model', default=None, help='model set whose codec is the baseline (default: the shipped one)')
    p.add_argument('--ckpt', nargs='*', default=[], help='NAME=PATH of SoundStream checkpoints')
    p.add_argument('--ema', action='store_true', help="also each checkpoint's EMA weights")
    p.add_argument('--corpus', default='/work/data/voices')
    p.add_argument('--pairs', default=str(Path.home()/'.cache/audiolm_nb/pairs'))
    p.add_argument('--n', type=int, default=30, help='utterances per held-out split')
    p.add_argument('--seconds', type=float, default=4.)
    p.add_argument('--wer-n', type=int, default=30)
    p.add_argument('--threads', type=int, default=2)
    p.add_argument('--out', default=None)
    a = p.parse_args(argv)
    torch.set_num_threads(a.threads)
    import jiwer
    from audiolm_nb.codec.metrics import evaluate_codec
    from audiolm_nb.corpora import read_transcripts, read_split
    res = dict(started=now(), loadavg_before=loadavg(), model=str(a.model or 'shipped'), n=a.n, seconds=a.seconds,
               wer_n=a.wer_n, threads=a.threads, ckpt=a.ckpt)
    ev, models = Evaluators(a.threads), codecs(a)
    corpus = Path(a.corpus)
    splits = {s: pick([corpus/l for l in (corpus/'splits'/f'{s}.txt').read_text().split()], a.n) for s in ('valid_seen', 'valid_unseen')}
    texts = read_transcripts(a.pairs) if a.wer_n else {}   # --wer-n 0: no pairs corpus needed
    wer_files = [f for f in read_split(a.pairs, 'test') if f.stem.startswith('slt__')][:a.wer_n] if a.wer_n else []
    waves = {s: [load(f)[:int(a.seconds * SR)] for f in fs] for s, fs in splits.items()}
    first_codes = None
    def mos_of(ws): 
        ms = [ev.mos(w.numpy()) for w in ws]
        return {k: fnum(statistics.fmean(m[k] for m in ms)) for k in ('ovrl', 'sig', 'bak')}
    def sim_of(reals, outs):   # resemblyzer cosine of each re-synthesis to its original: the speaker the codec keeps
        return fnum(statistics.fmean(float(np.dot(ev.embed(r.numpy()), ev.embed(o.numpy()))) for r, o in zip(reals, outs)))
    def wer_of(ws):
        errs = words = 0
        for f, w in zip(wer_files, ws):
            ref, hyp = norm_words(texts[f.stem]), norm_words(ev.asr(w.numpy())['text'])
            errs += round(jiwer.wer(ref, hyp) * len(ref.split())); words += len(ref.split())
        return round(errs / words, 3) if words else None
    res['real'] = dict(dnsmos={s: mos_of(ws) for s, ws in waves.items()}, whisper_wer=wer_of([load(f) for f in wer_files]))
    log('real', res['real'])
    res['codecs'] = {}
    for name, m in models.items():
        t = time.perf_counter()
        with torch.no_grad():
            codes = [m(w[None], return_codes_only=True) for s in waves for w in waves[s]]
        first_codes = first_codes or codes
        q = min(codes[0].shape[-1], first_codes[0].shape[-1])   # a codec with added quantizers: its first ones compared
        row = dict(codes_equal=all(torch.equal(x[..., :q], y[..., :q]) for x, y in zip(codes, first_codes)), quantizers=codes[0].shape[-1])
        for s, fs in splits.items():
            ev_rows = evaluate_codec(m, fs, max_seconds=a.seconds, per_clip=True)['clips']
            outs = [resynth(m, w) for w in waves[s]]
            row[s] = dict(codec={k: mean_n([r[k] for r in ev_rows]) for k in ('stoi', 'pesq_wb', 'mel_distance', 'si_snr')},
                          dnsmos=mos_of(outs), speaker_similarity=sim_of(waves[s], outs))
        row['whisper_wer'] = wer_of([resynth(m, load(f)) for f in wer_files])
        row['eval_seconds'] = round(time.perf_counter() - t, 1)
        res['codecs'][name] = row
        log(name, json.dumps({k: v for k, v in row.items()}))
    finish(res, a.out)


if __name__ == '__main__':
    main()
