#!/usr/bin/env python
"""What a codec's quantizer costs: PESQ-WB / STOI / mel distance of held-out speech decoded from its first k residual
quantizers, from all of them, and from the encoder's frames before quantization (which the decoder never saw in
training), with the norm of what the quantizers leave relative to the frames'. With `--add N`, also the codec with
N more residual quantizers fitted on training audio (`SoundStream.add_quantizers`), before any training.
One JSON object on stdout (and `--out FILE`).

    OMP_NUM_THREADS=2 python bench/codec_quantizers.py --corpus /work/data/voices32 --add 4 \\
        --out bench/results/codec_quantizer_limit.json
"""
from __future__ import annotations
import argparse, statistics
from pathlib import Path
import torch
from continuation import load, pick, SR
from timing import finish, loadavg, now, cpu_model


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--model', default=None, help='model set whose codec is measured (default: the shipped one)')
    p.add_argument('--ckpt', default=None, help='a SoundStream checkpoint instead of a model set')
    p.add_argument('--corpus', default='/work/data/voices')
    p.add_argument('--n', type=int, default=20, help='utterances per held-out split')
    p.add_argument('--seconds', type=float, default=4.)
    p.add_argument('--add', type=int, default=0, help='also with this many residual quantizers added (fitted, untrained)')
    p.add_argument('--threads', type=int, default=2)
    p.add_argument('--out', default=None)
    a = p.parse_args(argv)
    torch.set_num_threads(a.threads)
    from audiolm_nb.codec.soundstream import SoundStream, _latents
    from audiolm_nb.codec.metrics import codec_metrics
    from audiolm_nb.data import find_audio_files
    from audiolm_nb.pretrained import load_model_set
    from audiolm_nb.trainer.soundstream import _fit_waves
    codec = (SoundStream.init_and_load_from(a.ckpt) if a.ckpt else load_model_set(a.model, fast=False)['codec']).eval()
    corpus = Path(a.corpus)
    res = dict(started=now(), cpu=cpu_model(), loadavg_before=loadavg(), model=a.ckpt or str(a.model or 'shipped'),
               n=a.n, seconds=a.seconds, quantizers=codec.num_quantizers, splits={})
    more = None
    if a.add:
        more = codec.add_quantizers(a.add, _fit_waves(find_audio_files(corpus/'splits'/'train' if (corpus/'splits'/'train').is_dir()
                                                                        else corpus/'wavs'), SR)).eval()
    ks = sorted({*range(2, codec.num_quantizers, 2), codec.num_quantizers})
    for split in ('valid_seen', 'valid_unseen'):
        files = pick([corpus/l for l in (corpus/'splits'/f'{split}.txt').read_text().split()], a.n)
        rows = {}
        for f in files:
            w = load(f)[:int(a.seconds * SR)]
            with torch.no_grad():
                x = _latents(codec, w[None])[0]
                codes = codec.quantizer(x).codes
                outs = {'frames_before_quantization': (codec.decode(x), None)}
                for k in ks:
                    q = codec.quantizer.get_output_from_indices(codes[..., :k])
                    outs[f'quantizers_{k}'] = (codec.decode(q), float((q - x).norm() / x.norm()))
                if more is not None:
                    q = more.quantizer(_latents(more, w[None])[0]).quantized
                    outs[f'quantizers_{more.num_quantizers}_added_untrained'] = (more.decode(q), float((q - x).norm() / x.norm()))
            for name, (o, err) in outs.items():
                m = codec_metrics(w, o.reshape(-1)[:w.numel()].float(), SR)
                rows.setdefault(name, []).append(dict(pesq_wb=m['pesq_wb'], stoi=m['stoi'], mel_distance=m['mel_distance'],
                                                      residual_norm=err))
        res['splits'][split] = {name: {k: (round(statistics.fmean(r[k] for r in rs), 4) if rs[0][k] is not None else None)
                                       for k in rs[0]} for name, rs in rows.items()}
    res['loadavg_after'] = loadavg()
    finish(res, a.out)


if __name__ == '__main__':
    main()
