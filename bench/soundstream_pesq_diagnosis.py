#!/usr/bin/env python
"""What limits a trained SoundStream's PESQ-WB: re-synthesis experiments on held-out Asterisk clips.

For a saved SoundStream (`SoundStream.save` / `bench/soundstream_quality.py --save F`) and the first N held-out clips of
at least 1 s (each cut to 4 s), scores PESQ-WB of:

  plain               the reconstruction
  eq                  the reconstruction through one fixed per-frequency gain (fitted on 40 training clips)
  our_fine_orig_env   our STFT (fine structure and phase) rescaled to the original's per-frame energy in 24 bands
  orig_fine_our_env   the original STFT rescaled to our per-frame band energies
  orig_mag_our_phase, our_mag_orig_phase   magnitude / phase swaps (STFT 512 / 128)
  q1, q4, noq         decoded from the first 1 or 4 quantizers' codes, or from the encoder output (no quantizer)

Prints one JSON object (means over clips).

    OMP_NUM_THREADS=2 python bench/soundstream_pesq_diagnosis.py model.pt [--clips 20] [--out F]
"""
import argparse, json, sys, warnings
import numpy as np, torch
from einops import rearrange
from pesq import pesq


def main(argv=None):
    p = argparse.ArgumentParser()
    p.add_argument('model'); p.add_argument('--clips', type=int, default=20); p.add_argument('--out', default=None)
    args = p.parse_args(argv)
    warnings.filterwarnings('ignore')
    from audiolm_nb.codec.soundstream import SoundStream, _run, _prepare
    from audiolm_nb.corpora import build_speech_corpus, train_valid_split
    from audiolm_nb.core import load_audio
    m = SoundStream.init_and_load_from(args.model).eval()
    tr, va = train_valid_split(sorted((build_speech_corpus()/'wavs').glob('*.wav')), valid_frac=0.1, seed=0)
    win = torch.hann_window(512)
    S = lambda z: torch.stft(z, 512, 128, window=win, return_complex=True)
    I = lambda Z, n: torch.istft(Z, 512, 128, window=win, length=n)
    clip = lambda f: load_audio(f, target_sample_hz=16000)[:64000]

    @torch.no_grad()
    def decodes(x):
        wave = _prepare(m, x[None], None)[0]
        z = rearrange(_run(m.encoder, wave), 'b d n -> b n d')
        if m.encoder_attn is not None: z = _run(m.encoder_attn, z)
        codes = m(x[None], return_codes_only=True)
        out = {'plain': m(x[None], return_recons_only=True), 'noq': m.decode(z)}
        for k in (1, 4): out[f'q{k}'] = m.decode(m.quantizer.get_output_from_indices(codes[..., :k]))
        return {k: v.reshape(-1)[:len(x)] for k, v in out.items()}

    px = py = 0.
    for f in tr[:40]:
        x = clip(f)
        if len(x) < 16000: continue
        y = decodes(x)['plain']
        px, py = px + S(x).abs().square().sum(1), py + S(y).abs().square().sum(1)
    gain = (px / py).sqrt()[:, None]
    edges = torch.unique(torch.round(torch.tensor(np.geomspace(1, 257, 25))).long() - 1).tolist()
    def envelope(M):  # per-frame RMS magnitude of each band, spread back over its bins (the last bin takes the last band's)
        out = torch.empty_like(M)
        for a, b in zip(edges[:-1], edges[1:]): out[a:b] = M[a:b].square().mean(0, keepdim=True).sqrt()
        out[edges[-1]:] = out[edges[-2]:edges[-1]][-1:]
        return out + 1e-7
    res = {}
    for f in [f for f in va if len(clip(f)) >= 16000][:args.clips]:
        x = clip(f); outs = decodes(x); y = outs['plain']; X, Y = S(x), S(y); n = len(x)
        ex, ey = envelope(X.abs()), envelope(Y.abs())
        outs |= dict(eq=I(Y * gain, n), our_fine_orig_env=I(Y / ey * ex, n), orig_fine_our_env=I(X / ex * ey, n),
                     orig_mag_our_phase=I(X.abs() * torch.exp(1j * Y.angle()), n), our_mag_orig_phase=I(Y.abs() * torch.exp(1j * X.angle()), n))
        for k, z in outs.items(): res.setdefault(k, []).append(pesq(16000, x.numpy(), z.numpy(), 'wb'))
    out = dict(benchmark='soundstream_pesq_diagnosis', model=args.model, n_clips=len(res['plain']),
               pesq_wb={k: round(float(np.mean(v)), 3) for k, v in res.items()})
    s = json.dumps(out, indent=1); print(s)
    if args.out: open(args.out, 'w').write(s + '\n')


if __name__ == '__main__':
    main()
