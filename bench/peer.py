#!/usr/bin/env python
"""Time the reference implementation, audiolm-pytorch 2.4.0, for the ratios in the issues.

Run it with the reference's own venv (see ../shared/reference/PEER.md; `.peer/` at the repo root):
    .peer/bin/python bench/peer.py --what codec transformers > peer.json
It prints one JSON object. Stand-in empty `fairseq` and `wandb` packages are put on sys.path in a
temporary folder (never in our package); the T5 config the reference asks for is registered in its
cache so nothing touches the network."""
import argparse, json, os, sys, tempfile, time, statistics, resource
from pathlib import Path
from timing import timed   # bench/ is on sys.path: this script's folder

def stubs():
    d = Path(tempfile.mkdtemp())
    for m in ('fairseq', 'wandb'): (d/m).mkdir(); (d/m/'__init__.py').write_text('')
    sys.path.insert(0, str(d))
    os.environ.update(HF_HUB_OFFLINE='1', TQDM_DISABLE='1')


def codec(repeats):
    import torch
    from audiolm_pytorch import SoundStream
    torch.manual_seed(0)
    ss = SoundStream(codebook_size=1024, rq_num_quantizers=8, attn_window_size=128, attn_depth=2)
    x = torch.randn(2, 16000) * 0.1
    def gen_step():
        loss, _ = ss(x, return_loss_breakdown=True); loss.backward(); ss.zero_grad()
    def discr_step():
        loss = ss(x, return_discr_loss=True); loss.backward(); ss.zero_grad()
    out = dict(generator_step=timed(gen_step, repeats), discriminator_step=timed(discr_step, repeats))
    ss.eval(); wav = torch.randn(1, 160000) * 0.1
    with torch.inference_mode():
        codes = ss(wav, return_codes_only=True)
        enc = timed(lambda: ss(wav, return_codes_only=True), repeats)
        dec = timed(lambda: ss.decode_from_codebook_indices(codes), repeats)
    out['encode_10s'] = dict(enc, rtf=enc['median_wall_s'] / 10); out['decode_10s'] = dict(dec, rtf=dec['median_wall_s'] / 10)
    return out

def transformers(repeats):
    import torch
    import audiolm_pytorch.t5 as t5
    from transformers import T5Config
    t5.T5_CONFIGS[t5.DEFAULT_T5_NAME] = dict(config=T5Config(d_model=768, d_ff=2048, d_kv=64, num_layers=12,
                                                            num_heads=12, feed_forward_proj='gated-gelu'))
    from audiolm_pytorch import (SemanticTransformer, CoarseTransformer, FineTransformer, SoundStream,
                                 SemanticTransformerWrapper, CoarseTransformerWrapper, FineTransformerWrapper)
    torch.manual_seed(0)
    codec = SoundStream(codebook_size=1024, rq_num_quantizers=8)
    out = {}
    sem = SemanticTransformer(num_semantic_tokens=500, dim=512, depth=6)
    sw = SemanticTransformerWrapper(transformer=sem)
    ids = torch.randint(0, 500, (4, 512))
    def sem_step(): sw(semantic_token_ids=ids, return_loss=True).backward(); sem.zero_grad()
    out['semantic_step'] = timed(sem_step, repeats)
    coarse = CoarseTransformer(num_semantic_tokens=500, codebook_size=1024, num_coarse_quantizers=3, dim=512, depth=6)
    cw = CoarseTransformerWrapper(transformer=coarse, codec=codec)
    s_ids, c_ids = torch.randint(0, 500, (4, 128)), torch.randint(0, 1024, (4, 128, 3))
    def coarse_step(): cw(semantic_token_ids=s_ids, coarse_token_ids=c_ids, return_loss=True).backward(); coarse.zero_grad()
    out['coarse_step'] = timed(coarse_step, repeats)
    fine = FineTransformer(num_coarse_quantizers=3, num_fine_quantizers=5, codebook_size=1024, dim=512, depth=6)
    fw = FineTransformerWrapper(transformer=fine, codec=codec)
    c2, f2 = torch.randint(0, 1024, (4, 64, 3)), torch.randint(0, 1024, (4, 64, 5))
    def fine_step(): fw(coarse_token_ids=c2, fine_token_ids=f2, return_loss=True).backward(); fine.zero_grad()
    out['fine_step'] = timed(fine_step, repeats)
    # generation: 256 tokens after a 16-token prime, EOS suppressed so the length is fixed
    sem.eval(); orig = sem.forward_with_cond_scale
    def no_eos(*a, **k):
        logits, cache = orig(*a, **k); logits[..., -1] = float('-inf'); return logits, cache
    sem.forward_with_cond_scale = no_eos
    prime = torch.randint(0, 500, (1, 16))
    for cache in (True, False):
        with torch.inference_mode():
            r = timed(lambda: sw.generate(max_length=16 + 256, prime_ids=prime, use_kv_cache=cache), max(1, repeats - 1))
        out[f'semantic_generate_{"cached" if cache else "uncached"}'] = dict(r, tokens_per_s=256 / r['median_wall_s'])
    return out

if __name__ == '__main__':
    p = argparse.ArgumentParser(); p.add_argument('--what', nargs='+', default=['codec', 'transformers'])
    p.add_argument('--repeats', type=int, default=3); p.add_argument('--threads', type=int, default=2)
    a = p.parse_args(); stubs()
    import torch; torch.set_num_threads(a.threads)
    res = dict(impl='audiolm-pytorch 2.4.0', torch=torch.__version__, threads=a.threads, loadavg_before=os.getloadavg())
    for w in a.what: res[w] = globals()[w](a.repeats)
    res['loadavg_after'] = os.getloadavg()
    res['peak_rss_mb'] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(res, indent=1))
