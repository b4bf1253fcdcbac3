#!/usr/bin/env python3
"""How good is translation into English (`options.task: "translate"`) on speech we can make here?

Sentences in German, French, Spanish and Italian with their English meaning are spoken by espeak-ng
(synthetic speech: a harder input than a person for Whisper, whose training data is recorded
speech) and translated by faster-whisper's multilingual `base` model as the engine runs it (beam 5,
VAD), once detecting the language and once told it (`options.language`). Reported per language:
the detected language's accuracy, corpus BLEU-4 (smoothed, against one
reference, lowercased without punctuation) and the share of the reference's content words found;
and, as a control, the word error rate of transcribing the same speech in its own language.

    .venv/bin/python bench/translation/bench.py [--model .venv/models/base] [--out DIR]
"""
import argparse
import collections
import json
import math
import os
import re
import subprocess
import sys
import tempfile


ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "bench"))
from wer import errors  # noqa: E402  (bench/wer.py, the WER every benchmark here reports)

SENTENCES = {
    "de": [
        ("Guten Morgen. Ich möchte heute einen Kaffee trinken.", "Good morning. I would like to drink a coffee today."),
        ("Der Zug nach Berlin fährt um acht Uhr ab.", "The train to Berlin leaves at eight o'clock."),
        ("Wir haben das Projekt gestern abgeschlossen.", "We finished the project yesterday."),
        ("Meine Schwester wohnt in einem kleinen Haus am See.", "My sister lives in a small house by the lake."),
        ("Bitte schicken Sie mir die Rechnung per E-Mail.", "Please send me the invoice by email."),
    ],
    "fr": [
        ("Bonjour, je voudrais réserver une table pour deux personnes.", "Hello, I would like to book a table for two people."),
        ("Le train pour Paris part à huit heures.", "The train to Paris leaves at eight o'clock."),
        ("Nous avons terminé le projet hier soir.", "We finished the project last night."),
        ("Ma sœur habite dans une petite maison près du lac.", "My sister lives in a small house near the lake."),
        ("Il fait très froid en hiver dans les montagnes.", "It is very cold in winter in the mountains."),
    ],
    "es": [
        ("Buenos días, quiero comprar un billete de tren.", "Good morning, I want to buy a train ticket."),
        ("La reunión empieza a las diez de la mañana.", "The meeting starts at ten in the morning."),
        ("Mi hermano trabaja en un hospital en Madrid.", "My brother works in a hospital in Madrid."),
        ("Necesitamos más tiempo para terminar el informe.", "We need more time to finish the report."),
        ("El perro duerme en el jardín todo el día.", "The dog sleeps in the garden all day."),
    ],
    "it": [
        ("Buongiorno, vorrei un caffè e un cornetto.", "Good morning, I would like a coffee and a croissant."),
        ("Il treno per Roma parte alle otto.", "The train to Rome leaves at eight."),
        ("Abbiamo finito il lavoro ieri sera.", "We finished the work last night."),
        ("Mia sorella vive in una piccola casa vicino al mare.", "My sister lives in a small house near the sea."),
        ("Domani andiamo al cinema con gli amici.", "Tomorrow we go to the cinema with friends."),
    ],
}
STOP = set("a an the to of in on at by for and or is are be i we my me it you he she they this that with".split())


def words(text):
    return re.sub(r"[^a-z0-9' ]+", " ", text.lower().replace("o'clock", "oclock")).split()


def bleu(pairs):
    """Corpus BLEU-4 with add-one smoothing of the n-gram precisions (Lin and Och, 2004)."""
    matches = [0] * 4
    totals = [0] * 4
    hyp_len = ref_len = 0
    for hyp, ref in pairs:
        h, r = words(hyp), words(ref)
        hyp_len += len(h)
        ref_len += len(r)
        for n in range(1, 5):
            hc = collections.Counter(tuple(h[i:i + n]) for i in range(len(h) - n + 1))
            rc = collections.Counter(tuple(r[i:i + n]) for i in range(len(r) - n + 1))
            matches[n - 1] += sum(min(c, rc[g]) for g, c in hc.items())
            totals[n - 1] += max(0, len(h) - n + 1)
    precision = sum(math.log((m + 1) / (t + 1)) for m, t in zip(matches, totals)) / 4
    brevity = 1 if hyp_len > ref_len else math.exp(1 - ref_len / max(hyp_len, 1))
    return 100 * brevity * math.exp(precision)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default=os.path.join(ROOT, ".venv/models/base"))
    parser.add_argument("--out", default=None)
    parser.add_argument("--markdown", action="store_true", help="end with the table's rows (BENCHMARKS.md)")
    args = parser.parse_args()
    from faster_whisper import WhisperModel

    model = WhisperModel(args.model, device="cpu", compute_type="int8", cpu_threads=2)
    folder = args.out or tempfile.mkdtemp(prefix="translation-")
    os.makedirs(folder, exist_ok=True)
    report = {}
    for given in (False, True):
        for language, sentences in SENTENCES.items():
            pairs, detected, recall, examples = [], 0, [], []
            for index, (spoken, reference) in enumerate(sentences):
                path = os.path.join(folder, f"{language}-{index}.wav")
                if not os.path.exists(path):
                    raw = path + ".raw.wav"
                    subprocess.run(["espeak-ng", "-v", language, "-s", "150", "-w", raw, spoken], check=True)
                    subprocess.run(
                        ["ffmpeg", "-y", "-loglevel", "error", "-i", raw, "-ar", "16000", "-ac", "1", path], check=True)
                    os.remove(raw)
                segments, info = model.transcribe(
                    path, task="translate", beam_size=5, vad_filter=True, language=language if given else None)
                text = " ".join(segment.text.strip() for segment in segments)
                detected += info.language == language
                content = [w for w in words(reference) if w not in STOP]
                found = set(words(text))
                recall.append(sum(w in found for w in content) / max(len(content), 1))
                pairs.append((text, reference))
                examples.append(text)
            key = f"{language}, {'language given' if given else 'detected'}"
            report[key] = {
                "language_detected": "given" if given else f"{detected}/{len(sentences)}",
                "bleu": round(bleu(pairs), 1), "content_words_found": round(sum(recall) / len(recall), 2),
                "examples": examples,
            }
            print(json.dumps({"case": key, **{k: v for k, v in report[key].items() if k != "examples"}}), flush=True)
    # The control: how well the model hears the same speech in its own language (the sentence's
    # word error rate, language given), which bounds what translating it can reach.
    for language, sentences in SENTENCES.items():
        counted = errors("", "")
        heard = []
        for index, (spoken, _) in enumerate(sentences):
            segments, _ = model.transcribe(
                os.path.join(folder, f"{language}-{index}.wav"), beam_size=5, vad_filter=True, language=language)
            text = " ".join(segment.text.strip() for segment in segments)
            counted = counted + errors(spoken, text)
            heard.append(text)
        key = f"{language}, transcribed (control)"
        report[key] = {"wer": round(counted.wer, 3), "examples": heard}
        print(json.dumps({"case": key, "wer": report[key]["wer"]}), flush=True)
    print(json.dumps(report, indent=1, ensure_ascii=False))
    if args.markdown:
        for language in SENTENCES:
            detected = report[f"{language}, detected"]
            given = report[f"{language}, language given"]
            control = report[f"{language}, transcribed (control)"]
            print(f"| {language} | {detected['language_detected']} | {detected['bleu']} | "
                  f"{detected['content_words_found'] * 100:.0f} % | {given['bleu']} | {control['wer'] * 100:.1f} % |")


if __name__ == "__main__":
    main()
