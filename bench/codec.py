#!/usr/bin/env python
"""Benchmark the SoundStream codec: generator training step and encode/decode real-time factor.

Config (PEER.md): SoundStream(codebook_size=1024, rq_num_quantizers=8, attn_window_size=128, attn_depth=2),
generator step = forward + backward of the full generator loss (reconstruction, multi-scale spectral,
adversarial + feature matching through the discriminators, commitment) on a batch of 2 x 1 s at 16 kHz;
encode / decode of a 10 s clip in eval mode (real-time factor = seconds of compute per second of audio),
for our model in float32 and for its `for_cpu_inference()` copy (convolutions in bfloat16), whose distance
from float32 on the clip is reported too (`bf16_vs_fp32`).

Prints one JSON object: median wall and CPU (process) time over `--repeats` runs, every run's numbers,
loadavg() before and after, and peak RSS. With `--peer DIR` (a folder holding audiolm-pytorch 2.4.0
installed with `pip install --no-deps --target DIR audiolm-pytorch==2.4.0 gateloop-transformer
pytorch-warmup rotary-embedding-torch`), the reference is measured in the same process, interleaved
with ours run by run, and speed-ups (peer / ours) are reported. Empty `fairseq`, `wandb` and
`sentencepiece` stubs are created in a temporary folder for the reference's imports (never in our package).

    OMP_NUM_THREADS=2 python bench/codec.py --repeats 3 [--peer /tmp/peer] [--out bench/codec.json]
"""
import argparse, json, os, platform, resource, statistics, sys, tempfile, time
from pathlib import Path
from timing import loadavg, once, summarise   # bench/ is on sys.path: this script's folder

os.environ.setdefault('TQDM_DISABLE', '1')
os.environ.setdefault('HF_HUB_OFFLINE', '1')
import torch

CONFIG = dict(codebook_size=1024, rq_num_quantizers=8, attn_window_size=128, attn_depth=2)




def summary(runs, audio_s=None):
    out = summarise(runs)
    if audio_s: out['rtf_wall'] = round(out['median_wall_s'] / audio_s, 5)
    return out


class Codec:
    "Encode / decode in eval mode: the same calls for both implementations (they share the interface)"
    def encode(self, wave):
        self.model.eval()
        with torch.inference_mode(): return self.model(wave, return_codes_only=True)
    def decode(self, codes):
        self.model.eval()
        with torch.inference_mode(): return self.model.decode_from_codebook_indices(codes)


class Ours(Codec):
    name = 'audiolm_nb'
    def __init__(self):
        from audiolm_nb.codec.soundstream import SoundStream
        torch.manual_seed(0)
        self.model = SoundStream(**CONFIG)
    def step(self, wave):
        self.model.train(); self.model.zero_grad(set_to_none=True)
        loss, _, _ = self.model.generator_loss(wave)
        loss.backward()


class OursBF16(Codec):
    "Our model's `for_cpu_inference()` copy (convolutions in bfloat16): encode / decode only"
    name = 'audiolm_nb for_cpu_inference (bf16)'
    def __init__(self, ours: Ours):
        self.model = ours.model.for_cpu_inference('bf16')


class Peer(Codec):
    name = 'audiolm-pytorch 2.4.0'
    def __init__(self, path):
        stubs = Path(tempfile.mkdtemp(prefix='peer_stubs_'))
        for m in ('fairseq', 'wandb', 'sentencepiece'):
            (stubs / m).mkdir(); (stubs / m / '__init__.py').write_text('')
        sys.path[:0] = [str(path), str(stubs)]
        from audiolm_pytorch import SoundStream
        torch.manual_seed(0)
        self.model = SoundStream(**CONFIG)
    def step(self, wave):
        self.model.train(); self.model.zero_grad(set_to_none=True)
        loss = self.model(wave)  # its default return: the total generator loss (all terms)
        loss.backward()


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--repeats', type=int, default=3)
    p.add_argument('--threads', type=int, default=int(os.environ.get('OMP_NUM_THREADS', 2)))
    p.add_argument('--peer', type=Path, default=None, help='folder with audiolm-pytorch 2.4.0 (see above)')
    p.add_argument('--skip-step', action='store_true', help='only encode/decode')
    p.add_argument('--out', type=Path, default=None, help='also write the JSON here')
    a = p.parse_args()
    if a.repeats < 3: p.error('--repeats must be >= 3 (medians of at least three runs)')
    torch.set_num_threads(a.threads)
    load_before = loadavg()
    ours = Ours()
    impls = [ours] + ([Peer(a.peer)] if a.peer else [])
    g = torch.Generator().manual_seed(0)
    batch = torch.randn(2, 16000, generator=g) * 0.1
    clip = torch.randn(1, 160000, generator=g) * 0.1
    results = {i.name: {} for i in impls}
    if not a.skip_step:
        for i in impls: i.step(batch)  # warm-up (first step also runs k-means codebook initialisation)
        runs = {i.name: [] for i in impls}
        for _ in range(a.repeats):  # interleaved, so both see the same load
            for i in impls: runs[i.name].append(once(lambda: i.step(batch)))
        for i in impls: results[i.name]['generator_step'] = summary(runs[i.name])
    impls.insert(1, OursBF16(ours))  # (after the training step: a copy of the same weights)
    results = {i.name: results.get(i.name, {}) for i in impls}
    codes = {i.name: i.encode(clip) for i in impls}  # warm-up
    for i in impls: i.decode(codes[i.name])
    enc = {i.name: [] for i in impls}; dec = {i.name: [] for i in impls}
    for _ in range(a.repeats):
        for i in impls:
            enc[i.name].append(once(lambda: i.encode(clip)))
            dec[i.name].append(once(lambda: i.decode(codes[i.name])))
    for i in impls:
        results[i.name]['encode_10s'] = summary(enc[i.name], 10.)
        results[i.name]['decode_10s'] = summary(dec[i.name], 10.)
    out = dict(benchmark='codec', config=CONFIG, batch='2 x 16000 samples @ 16 kHz', clip='10 s @ 16 kHz',
               repeats=a.repeats, threads=a.threads, torch=torch.__version__, python=platform.python_version(),
               cpu_count=os.cpu_count(), loadavg_before=[round(x, 2) for x in load_before],
               loadavg_after=loadavg(),
               peak_rss_mb=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1), results=results)
    ours.model.eval()
    with torch.inference_mode():  # how far the bf16 copy is from float32 on this clip
        fp32, bf16 = ours.model.encode(clip), impls[1].model.encode(clip)
        r32 = ours.model.decode(fp32.quantized)
        rel = lambda a, b: round(((a - b).norm() / b.norm()).item(), 5)
        out['bf16_vs_fp32'] = dict(code_agreement=round((fp32.codes == bf16.codes).float().mean().item(), 4),
                                   first_quantizer_agreement=round((fp32.codes[..., 0] == bf16.codes[..., 0]).float().mean().item(), 4),
                                   quantized_rel_diff=rel(bf16.quantized, fp32.quantized),
                                   recon_rel_diff=rel(impls[1].model.decode(fp32.quantized), r32))
    if a.peer:
        peer = results[Peer.name]
        out['speedup_peer_over_ours'] = {
            name: {k: dict(wall=round(peer[k]['median_wall_s'] / r[k]['median_wall_s'], 2),
                           cpu=round(peer[k]['median_cpu_s'] / r[k]['median_cpu_s'], 2)) for k in r}
            for name, r in results.items() if name != Peer.name}
    s = json.dumps(out, indent=1)
    print(s)
    if a.out: a.out.write_text(s + '\n')


if __name__ == '__main__':
    main()
