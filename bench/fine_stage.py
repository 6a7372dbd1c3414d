#!/usr/bin/env python
"""The fine stage, autoregressive (`FineTransformer`) against parallel (`ParallelFineTransformer`), and a whole
3 s → 3 s `AudioLM` continuation, stage by stage. JSON on stdout (and `--out FILE`).

    OMP_NUM_THREADS=1 python bench/fine_stage.py --out bench/results/fine_stage_parallel_vs_ar.json
    OMP_NUM_THREADS=1 python bench/fine_stage.py --cases speed audiolm        # a subset

Cases:
  speed     generation time of the fine stage for 150 new frames after 150 prime frames (300 frames of coarse
            context): 2 coarse + 6 fine quantizers of 1024 codes, dim 256, depth 4 (the CLI's 'small' preset),
            random weights, int8 copies (`for_cpu_generation('int8')`), batch 1. Median over `--repeats`.
  overfit   training loss of both on a tiny overfit: the codec codes of 4 real speech clips (2 s each), 300 steps
  heldout   a proxy of quality: both trained on the codes of real speech (the Asterisk prompts, 90 %) for the same
            number of steps, cross-entropy per fine code on the held-out 10 %. The codec is an *untrained* 'small'
            SoundStream whose codebooks are k-means-initialised on the clips (as in the trainer notebooks): no
            trained codec is available offline; its codes vary with the audio as a trained codec's do, but their
            fine levels may be easier or harder to predict than a trained codec's.
  audiolm   a 3 s speech prime continued by exactly 3 s, random weights, per stage: MFCC k-means (km500) semantic
            tokens, 'small' SoundStream (channels 16, codebook_dim 128, 1024 codes, 8 quantizers) in float32 and as
            `for_cpu_inference()` (bf16), transformers dim 256 depth 4 as int8 copies, 2 coarse quantizers,
            `unique_consecutive=False` (so the semantic stage samples exactly 150 ids); parallel and autoregressive fine.

Random weights are fine for speed (every stage samples exactly the steps it is told to). The machine is shared:
read `loadavg` beside the times; 1 thread (`OMP_NUM_THREADS=1`) is what the figures are for.
"""
from __future__ import annotations
import argparse, json, os, statistics, sys, time
from pathlib import Path
from timing import loadavg, timed

import torch

CASES = ['speed', 'overfit', 'heldout', 'audiolm']
SMALL = dict(dim=256, depth=4, heads=4, dim_head=64)
Q_COARSE, Q_FINE, CODEBOOK = 2, 6, 1024




def fine_models(seed: int = 0, **cfg):
    from audiolm_nb.transformer.fine import FineTransformer
    from audiolm_nb.transformer.parallel_fine import ParallelFineTransformer
    kw = dict(num_coarse_quantizers=Q_COARSE, num_fine_quantizers=Q_FINE, codebook_size=CODEBOOK) | cfg
    torch.manual_seed(seed); ar = FineTransformer(**kw)
    torch.manual_seed(seed); par = ParallelFineTransformer(**kw)
    return dict(autoregressive=ar, parallel=par)


def case_speed(repeats: int) -> dict:
    coarse = torch.randint(0, CODEBOOK, (1, 300, Q_COARSE))
    prime = torch.randint(0, CODEBOOK, (1, 150, Q_FINE))
    out = {}
    for arch, m in fine_models(**SMALL).items():
        q = m.eval().for_cpu_generation('int8')
        with torch.no_grad():
            r = timed(lambda: q.generate(coarse, prime_fine_token_ids=prime), repeats if arch == 'parallel' else max(1, repeats // 2))
        out[arch] = r | dict(sampled_codes=150 * Q_FINE, params=sum(p.numel() for p in m.parameters()))
        print(f'speed {arch}: {r["median_wall_s"] * 1000:.0f} ms', file=sys.stderr)
    out['speedup'] = out['autoregressive']['median_wall_s'] / out['parallel']['median_wall_s']
    return out


def speech_codes(max_clips: int | None = None) -> tuple[list, dict]:
    "Codes (frames, 8) of each Asterisk prompt through a k-means-initialised 'small' SoundStream (cached in /tmp)"
    from audiolm_nb.corpora import build_speech_corpus
    from audiolm_nb.codec.soundstream import SoundStream
    from audiolm_nb.trainer.soundstream import SOUNDSTREAM_PRESETS
    from audiolm_nb.core import load_audio
    cache = Path('/tmp/fine_stage_bench_codes.pt')
    if cache.exists(): return torch.load(cache)
    files = sorted((build_speech_corpus()/'wavs').glob('*.wav'))[:max_clips]
    waves = [load_audio(f) for f in files]
    torch.manual_seed(0)
    codec = SoundStream(**SOUNDSTREAM_PRESETS['small'], quantize_dropout=False)
    init = torch.cat(waves[::7])[None]                        # k-means init of the codebooks on every 7th clip
    with torch.no_grad(): codec.train()(init[:, :16000 * 30])
    codec.eval()
    with torch.no_grad(): codes = [codec(w[None], return_codes_only=True)[0] for w in waves]
    info = dict(clips=len(codes), frames=sum(c.shape[0] for c in codes), codec='small preset, untrained, k-means-initialised codebooks')
    torch.save((codes, info), cache)
    return codes, info


def batch(codes: list, idx, frames: int, g: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    "Random `frames`-long crops of the clips `idx` (shorter clips right-padded with -1), split coarse / fine"
    out = torch.full((len(idx), frames, Q_COARSE + Q_FINE), -1, dtype=torch.long)
    for i, j in enumerate(idx):
        c = codes[j]
        s = int(torch.randint(0, max(1, c.shape[0] - frames + 1), (1,), generator=g))
        out[i, :min(frames, c.shape[0] - s)] = c[s:s + frames]
    return out[..., :Q_COARSE], out[..., Q_COARSE:]


def train(m, data_fn, steps: int, lr: float) -> list:
    opt = torch.optim.Adam(m.parameters(), lr=lr)
    losses = []
    m.train()
    for _ in range(steps):
        c, f = data_fn()
        loss = m(c, f, return_loss=True); opt.zero_grad(); loss.backward(); opt.step(); losses.append(loss.item())
    return losses


def case_overfit(steps: int = 300) -> dict:
    codes, info = speech_codes()
    g = torch.Generator().manual_seed(0)
    long = [i for i, c in enumerate(codes) if c.shape[0] >= 100][:4]
    c, f = batch(codes, long, 100, g)
    cfg = dict(dim=128, depth=2, heads=4, dim_head=32, ff_dropout=0.)
    out = dict(data=f'{len(long)} clips × 100 frames (2 s), {info["codec"]}', config=cfg, steps=steps, lr=1e-3)
    for arch, m in fine_models(**cfg).items():
        if arch == 'autoregressive': m.mask_prob = 0.
        t = time.perf_counter()
        losses = train(m, lambda: (c, f), steps, 1e-3)
        out[arch] = dict(loss_at={s: round(losses[s - 1], 4) for s in (1, 50, 100, 200, steps)},
                         train_s=round(time.perf_counter() - t, 1))
        print(f'overfit {arch}: {losses[0]:.3f} -> {losses[-1]:.4f}', file=sys.stderr)
    return out


@torch.no_grad()
def held_out_loss(m, codes: list, idx) -> float:
    "Mean cross-entropy per fine code over the held-out clips (whole clips, one at a time)"
    m.eval()
    total, n = 0., 0
    for j in idx:
        c, f = codes[j][None, :, :Q_COARSE], codes[j][None, :, Q_COARSE:]
        total += m(c, f, return_loss=True).item() * f.numel(); n += f.numel()
    return total / n


def case_heldout(steps: int = 400) -> dict:
    codes, info = speech_codes()
    perm = torch.randperm(len(codes), generator=torch.Generator().manual_seed(0)).tolist()
    n_valid = len(codes) // 10
    valid, train_idx = perm[:n_valid], perm[n_valid:]
    cfg = dict(dim=128, depth=2, heads=4, dim_head=32)
    out = dict(data=info | dict(train_clips=len(train_idx), valid_clips=n_valid, valid_fine_codes=sum(codes[j].shape[0] for j in valid) * Q_FINE),
               config=cfg, steps=steps, batch='8 × 100 frames (2 s crops)', lr=1e-3)
    for arch, m in fine_models(**cfg).items():
        g = torch.Generator().manual_seed(1)
        draw = lambda: batch(codes, [train_idx[int(i)] for i in torch.randint(0, len(train_idx), (8,), generator=g)], 100, g)
        t = time.perf_counter()
        losses, curve = [], {}
        for k in range(4):
            losses += train(m, draw, steps // 4, 1e-3)
            curve[(k + 1) * steps // 4] = round(held_out_loss(m, codes, valid), 4)
        out[arch] = dict(valid_loss_at_step=curve, train_loss_last_50=round(statistics.mean(losses[-50:]), 4),
                         train_s=round(time.perf_counter() - t, 1), params=sum(p.numel() for p in m.parameters()))
        print(f'heldout {arch}: {curve}', file=sys.stderr)
    return out


def case_audiolm(repeats: int) -> dict:
    from audiolm_nb.audiolm import AudioLM
    from audiolm_nb.codec.soundstream import SoundStream
    from audiolm_nb.trainer.soundstream import SOUNDSTREAM_PRESETS
    from audiolm_nb.semantic.mel_tokenizer import MelKmeansTokenizer
    from audiolm_nb.transformer.semantic import SemanticTransformer
    from audiolm_nb.transformer.coarse import CoarseTransformer
    from audiolm_nb.corpora import speech_fixture
    torch.manual_seed(0)
    wav2vec = MelKmeansTokenizer.default(500)
    codec = SoundStream(**SOUNDSTREAM_PRESETS['small']).eval()
    sem = SemanticTransformer(num_semantic_tokens=500, **SMALL).eval().for_cpu_generation('int8')
    coarse = CoarseTransformer(num_semantic_tokens=500, codebook_size=CODEBOOK, num_coarse_quantizers=Q_COARSE, **SMALL)
    coarse = coarse.eval().for_cpu_generation('int8')
    fines = {k: m.eval().for_cpu_generation('int8') for k, m in fine_models(**SMALL).items()}
    prime = speech_fixture(3.0, 16000)
    out = dict(prime_s=prime.shape[-1] / 16000, seconds=3.0)
    for codec_name, c in (('bf16', codec.for_cpu_inference('bf16')), ('float32', codec)):
        for arch, fine in fines.items():
            if arch == 'autoregressive' and codec_name == 'float32': continue
            lm = AudioLM(wav2vec=wav2vec, codec=c, semantic_transformer=sem, coarse_transformer=coarse,
                         fine_transformer=fine, unique_consecutive=False)
            runs = []
            for r in range(repeats if arch == 'parallel' else 1):
                stages = []
                t = time.perf_counter()
                wave = lm(prime_wave=prime, prime_wave_input_sample_hz=16000, seconds=3.0, return_continuation_only=True,
                          on_stage=lambda *a: stages.append(a))
                runs.append(dict(total_s=time.perf_counter() - t, **{n: s for n, s, _ in stages}))
                assert wave.shape[-1] == 48000, wave.shape
            med = {k: round(statistics.median(r[k] for r in runs), 3) for k in runs[0]}
            out[f'fine_{arch}_codec_{codec_name}'] = dict(median_s=med, runs=len(runs),
                                                          what={n: w for n, _, w in stages}, real_time_factor=round(med['total_s'] / 3.0, 3))
            print(f'audiolm {arch} codec {codec_name}: {med}', file=sys.stderr)
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--cases', nargs='+', choices=CASES, default=CASES)
    p.add_argument('--repeats', type=int, default=5)
    p.add_argument('--heldout-steps', type=int, default=400)
    p.add_argument('--out', default=None)
    a = p.parse_args()
    torch.set_num_threads(int(os.environ.get('OMP_NUM_THREADS', 1)))
    res = dict(threads=torch.get_num_threads(), cpu_count=os.cpu_count(), torch=torch.__version__,
               loadavg_before=loadavg(), started=time.strftime('%Y-%m-%d %H:%M'))
    for c in a.cases:
        l0, t0 = loadavg(), time.strftime('%Y-%m-%d %H:%M')
        res[c] = dict(case_speed(a.repeats) if c == 'speed' else case_overfit() if c == 'overfit' else
                      case_heldout(a.heldout_steps) if c == 'heldout' else case_audiolm(a.repeats),
                      loadavg_before=l0, loadavg_after=loadavg(), started=t0)
    res['loadavg_after'] = loadavg()
    text = json.dumps(res, indent=1)
    print(text)
    if a.out: Path(a.out).write_text(text + '\n')


if __name__ == '__main__':
    main()
