#!/usr/bin/env python3
"""A local push: the pipeline under a rising load until a stage saturates on this machine.

The load is the one of the load test (`pipeline_bench.py --load 200,20`): short uploads (jfk.wav,
11 s of speech, one chunk), each created through the API, PUT to its presigned URL and followed
with a status poll every 0.5 s until done. Here the jobs arrive open-loop, at a fixed rate per
step, from many users, and the rate steps up (`--rates`, jobs per minute, `--step-seconds` each)
on one emulator with short timers (`TIME_SCALE`: retries, visibility timeouts and the sweep's
schedule compressed) until a step saturates: jobs finish slower than they arrive (jobs in flight
grow, a queue grows, time to transcript climbs). What held the busiest stage is read from its CPU:
busy workers that got less CPU than their threads could use were waiting for the cores (CPU-bound);
busy workers running at full speed with cores idle were held by the stage's concurrency cap (the
transcribe queue's MaximumConcurrency). One more step runs the saturating rate again with twice
the transcribe workers on a fresh emulator, and says how much CPU the stage got then: on a
CPU-bound machine its throughput follows its CPU share, not its worker count.

Measured per step, from the emulator's status (`/_local/status.json`, once a second), its
REPORT lines and /proc:
- each stage's invocations per second, service time (p50/p95 of the REPORT durations), busy
  share of its concurrency, and CPU (its processes and their children: the speech worker, ffmpeg);
- the transcribe queue's depth and the asynchronous (S3-event) invocations waiting, and the
  waiting time Little's law gives for them (depth over throughput);
- per job, the time spent in each status the polls saw (queued, transcoding, transcribing,
  finalizing), API latency, time to transcript;
- the machine's CPU: what the emulator's tree, this client and everything else (other engineers'
  builds) used, so a run on a shared machine says how shared it was.

    .venv/bin/python bench/push.py BIN_DIR [--rates 15,30,45,60,90,120,150,180,240] [--step-seconds 60]
        [--users 40] [--workers 2] [--time-scale 0.1] [--markdown out.md]

Prints a JSON line per step and a last JSON line with everything; `--markdown` writes the tables
BENCHMARKS.md carries (bench/run.sh). Exits non-zero if a job failed.
"""

import argparse
import concurrent.futures
import json
import os
import statistics
import sys
import threading
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from pipeline_bench import AUDIO, Emulator, request  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")
STAGES = ["JobsCreateFunction", "JobsGetFunction", "TranscodeFunction", "TranscribeFunction", "PersistFunction",
          "SweepFunction"]
POLL_SECONDS = 0.5


def percentile(values, p):
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))]


def proc_cpu(pid):
    """CPU seconds of a process and its reaped children (utime, stime, cutime, cstime)."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
        return sum(int(x) for x in fields[11:15]) / TICK, int(fields[1])
    except (OSError, IndexError, ValueError):
        return None, None


def process_table():
    """pid -> (parent pid, CPU seconds with reaped children) for every process."""
    table = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            cpu, parent = proc_cpu(int(name))
            if cpu is not None:
                table[int(name)] = (parent, cpu)
    return table


def tree_cpu(table, root):
    """CPU of `root` and its live descendants (reaped ones are in their parent's cutime)."""
    children = {}
    for pid, (parent, _) in table.items():
        children.setdefault(parent, []).append(pid)
    total, stack = 0.0, [root]
    while stack:
        pid = stack.pop()
        if pid in table:
            total += table[pid][1]
        stack.extend(children.get(pid, []))
    return total


def machine_busy():
    with open("/proc/stat") as handle:
        values = [int(x) for x in handle.readline().split()[1:]]
    idle = values[3] + values[4]
    return (sum(values[:8]) - idle) / TICK


class Sampler(threading.Thread):
    """Once a second: the emulator's status, each function's CPU, the machine's CPU, REPORT lines."""

    def __init__(self, emulator):
        super().__init__(daemon=True)
        self.emulator = emulator
        self.samples = []
        self.reports = []  # (time, function, duration ms)
        self.stop = threading.Event()
        self.offset = 0
        self.seen = {}  # pid -> last CPU seconds of its tree

    def run(self):
        while not self.stop.is_set():
            try:
                self.samples.append(self.sample())
            except Exception as error:  # a slow answer under load is data, not a failure
                print(json.dumps({"sampler_error": str(error)}), file=sys.stderr)
            self.stop.wait(1.0)

    def sample(self):
        now = time.monotonic()
        with urllib.request.urlopen(f"{self.emulator.gateway}/_local/status.json", timeout=30) as response:
            status = json.loads(response.read())
        table = process_table()
        cpu = {}
        for function in status["functions"]:
            spent = 0.0
            for pid in function["processes"]:
                total = tree_cpu(table, pid)
                spent += max(0.0, total - self.seen.get(pid, 0.0))
                self.seen[pid] = total
            cpu[function["name"]] = spent
        emulator_pid = self.emulator.process.pid
        emulator_total = tree_cpu(table, emulator_pid)
        own = os.times()
        with open(self.emulator.log_path) as handle:
            handle.seek(self.offset)
            text = handle.read()
            # Only whole lines: the rest is read next time.
            cut = text.rfind("\n") + 1
            self.offset += len(text[:cut].encode())
        for line in text[:cut].splitlines():
            if "REPORT RequestId" in line and "\tDuration: " in line:
                function = line.split("]", 1)[0].lstrip("[")
                self.reports.append((now, function, float(line.split("\tDuration: ")[1].split(" ms")[0])))
        return {
            "t": now, "machine_busy": machine_busy(), "emulator_tree": emulator_total,
            "client": own.user + own.system, "cpu": cpu,
            "functions": {f["name"]: {"busy": f["busy"], "limit": f["concurrencyLimit"],
                                      "invocations": f["invocations"], "errors": f["errors"],
                                      "throttles": f["throttles"]} for f in status["functions"]},
            "queues": {q["name"]: q["visible"] + q["delayed"] for q in status["queues"]},
            "async_pending": status["pendingAsyncInvocations"],
        }


class Load:
    """Jobs submitted open-loop from `users` users; each followed until it finishes."""

    def __init__(self, emulator, users):
        self.emulator = emulator
        self.tokens = [emulator.signup(f"push-{index}@example.com") for index in range(users)]
        self.wav = os.path.join(AUDIO, "jfk.wav")
        self.jobs = []
        self.api = []  # (time, latency s)
        self.lock = threading.Lock()
        self.pool = concurrent.futures.ThreadPoolExecutor(max_workers=600)
        self.count = 0

    def timed(self, *args, **kwargs):
        began = time.monotonic()
        result = request(*args, **kwargs)
        with self.lock:
            self.api.append((began, time.monotonic() - began))
        return result

    def submit(self, step):
        token = self.tokens[self.count % len(self.tokens)]
        self.count += 1
        record = {"step": step, "submitted": time.monotonic(), "seen": {}, "status": None}
        with self.lock:
            self.jobs.append(record)
        self.pool.submit(self.follow, token, record)

    def follow(self, token, record):
        try:
            size = os.path.getsize(self.wav)
            created = self.timed("POST", f"{self.emulator.gateway}/v1/jobs", {"source": {"upload": {
                "filename": "jfk.wav", "contentType": "audio/wav", "size": size}}}, token=token)
            record["seen"]["queued"] = time.monotonic()
            with open(self.wav, "rb") as handle:
                request("PUT", created["upload"]["url"], data=handle.read(), headers={"Content-Type": "audio/wav"})
            record["uploaded"] = time.monotonic()
            job_id = created["job"]["id"]
            while True:
                job = self.timed("GET", f"{self.emulator.gateway}/v1/jobs/{job_id}", token=token)
                record["seen"].setdefault(job["status"], time.monotonic())
                if job["status"] in ("done", "failed"):
                    record["status"] = job["status"]
                    record["error"] = job.get("error")
                    record["finished"] = time.monotonic()
                    return
                time.sleep(POLL_SECONDS)
        except Exception as error:
            record["status"] = "error"
            record["error"] = str(error)
            record["finished"] = time.monotonic()

    def in_flight(self):
        with self.lock:
            return sum(1 for job in self.jobs if job["status"] is None)


def slope(points):
    """Least-squares slope of (t, y) points, per second."""
    if len(points) < 3:
        return 0.0
    mean_t = statistics.fmean(t for t, _ in points)
    mean_y = statistics.fmean(y for _, y in points)
    den = sum((t - mean_t) ** 2 for t, _ in points)
    return sum((t - mean_t) * (y - mean_y) for t, y in points) / den if den else 0.0


def summarize(step, rate, begin, end, sampler, load, inflight_begin, inflight_end, workers):
    window = [s for s in sampler.samples if begin <= s["t"] <= end]
    seconds = end - begin
    first, last = (window[0], window[-1]) if len(window) >= 2 else (None, None)
    jobs = [j for j in load.jobs if j["step"] == step]
    finished = [j for j in load.jobs if j.get("finished") and begin <= j["finished"] < end and j["status"] == "done"]
    done = [j for j in jobs if j["status"] == "done"]
    result = {"step": step, "rate_per_min": rate, "seconds": round(seconds, 1), "submitted": len(jobs),
              "completed_in_step": len(finished),
              "throughput_per_min": round(len(finished) / seconds * 60, 1),
              "in_flight_begin": inflight_begin, "in_flight_end": inflight_end,
              "failed": sum(1 for j in jobs if j["status"] in ("failed", "error"))}
    to_transcript = [j["finished"] - j["submitted"] for j in done]
    result["transcript_p50_s"] = round(percentile(to_transcript, 0.5), 2) if done else None
    result["transcript_p95_s"] = round(percentile(to_transcript, 0.95), 2) if done else None
    api = [latency * 1000 for t, latency in load.api if begin <= t < end]
    result["api_requests_per_s"] = round(len(api) / seconds, 1)
    result["api_p50_ms"] = round(percentile(api, 0.5), 1) if api else None
    result["api_p95_ms"] = round(percentile(api, 0.95), 1) if api else None
    # Time in each status the polls saw, per job of this step (0.5 s resolution).
    order = ["queued", "transcoding", "transcribing", "finalizing", "done"]
    phases = {}
    for job in done:
        seen = job["seen"]
        marks = [(name, seen[name]) for name in order if name in seen]
        for (name, at), (_, after) in zip(marks, marks[1:]):
            phases.setdefault(name, []).append(after - at)
    result["status_p50_s"] = {name: round(percentile(v, 0.5), 2) for name, v in phases.items()}
    if first is None:
        return result
    stages = {}
    for name in STAGES:
        if name not in last["functions"]:
            continue
        invocations = last["functions"][name]["invocations"] - first["functions"][name]["invocations"]
        durations = [ms for t, function, ms in sampler.reports if function == name and begin <= t <= end]
        busy = [s["functions"][name]["busy"] for s in window]
        # The transcribe stage runs at most its queue's MaximumConcurrency at once (the function's own
        # limit is the emulator's default); the S3-event stages at most their function's limit.
        limit = workers if name == "TranscribeFunction" else last["functions"][name]["limit"]
        cpu = sum(s["cpu"].get(name, 0.0) for s in window[1:])
        stages[name] = {
            "invocations_per_s": round(invocations / seconds, 2),
            "service_p50_ms": round(percentile(durations, 0.5), 1) if durations else None,
            "service_p95_ms": round(percentile(durations, 0.95), 1) if durations else None,
            "busy_mean": round(statistics.fmean(busy), 2) if busy else None,
            "busy_share": round(statistics.fmean(busy) / limit, 2) if busy and limit else None,
            "concurrency": limit,
            "cpu_cores": round(cpu / seconds, 2),
            "cpu_s_per_invocation": round(cpu / invocations, 3) if invocations else None,
            "throttles": last["functions"][name]["throttles"] - first["functions"][name]["throttles"],
        }
    result["stages"] = stages
    queues = {}
    for queue in last["queues"]:
        depth = [(s["t"], s["queues"].get(queue, 0)) for s in window]
        queues[queue] = {"mean": round(statistics.fmean(d for _, d in depth), 1), "max": max(d for _, d in depth),
                         "growth_per_s": round(slope(depth), 2)}
    pending = [(s["t"], s["async_pending"]) for s in window]
    queues["async invocations (S3 events)"] = {"mean": round(statistics.fmean(d for _, d in pending), 1),
                                               "max": max(d for _, d in pending),
                                               "growth_per_s": round(slope(pending), 2)}
    transcribe_rate = stages.get("TranscribeFunction", {}).get("invocations_per_s") or 0
    transcribe_queue = next((q for q in queues if "Transcribe" in q), None)
    if transcribe_queue and transcribe_rate:
        queues[transcribe_queue]["wait_s"] = round(queues[transcribe_queue]["mean"] / transcribe_rate, 1)
    result["queues"] = queues
    machine = (last["machine_busy"] - first["machine_busy"]) / seconds
    ours = (last["emulator_tree"] - first["emulator_tree"]) / seconds
    client = (last["client"] - first["client"]) / seconds
    result["cpu_cores"] = {"machine": round(machine, 2), "emulator_and_functions": round(ours, 2),
                           "load_client": round(client, 2), "others": round(max(0.0, machine - ours - client), 2)}
    return result


def saturated(result, baseline):
    """Why this step is saturated (empty: it is not)."""
    reasons = []
    grew = result["in_flight_end"] - result["in_flight_begin"]
    if grew > max(5, 0.1 * result["submitted"]):
        reasons.append(f"jobs in flight grew by {grew} in the step "
                       f"({result['throughput_per_min']} jobs/min finished of {result['rate_per_min']} offered)")
    for name, queue in result.get("queues", {}).items():
        if queue["growth_per_s"] > 0.05 and queue["max"] >= 5:
            reasons.append(f"{name} grew {queue['growth_per_s']}/s (max {queue['max']})")
    if baseline and result["transcript_p50_s"] and result["transcript_p50_s"] > 2 * baseline:
        reasons.append(f"time to transcript p50 {result['transcript_p50_s']} s, over twice the quickest step's {baseline} s")
    return reasons


def bottleneck(result):
    """The pipeline stage closest to its limit, and the CPU its busy workers got."""
    pipeline = {k: v for k, v in result.get("stages", {}).items()
                if k in ("TranscodeFunction", "TranscribeFunction", "PersistFunction") and v["busy_share"] is not None}
    if not pipeline:
        return None
    name, stage = max(pipeline.items(), key=lambda item: item[1]["busy_share"])
    # A worker of the transcribe stage runs WHISPER_THREADS threads; the other stages' work is
    # one process at a time (ffmpeg's own threads aside).
    threads = result.get("whisper_threads", 1) if name == "TranscribeFunction" else 1
    busy = stage["busy_mean"] or 0
    return {"stage": name, "busy_share": stage["busy_share"], "busy_mean": busy, "cpu_cores": stage["cpu_cores"],
            "threads_per_worker": threads,
            "cpu_per_busy_worker": round(stage["cpu_cores"] / busy, 2) if busy else None,
            "cpu_s_per_invocation": stage["cpu_s_per_invocation"], "invocations_per_s": stage["invocations_per_s"],
            "machine_cpu_cores": result["cpu_cores"]["machine"], "others_cpu_cores": result["cpu_cores"]["others"]}


def held_by(neck, cores):
    """What held the busiest stage: the cores (its busy workers got less CPU than they could use,
    so they waited for CPU, not for work) or its concurrency cap (they ran at full speed)."""
    per_worker, threads = neck["cpu_per_busy_worker"], neck["threads_per_worker"]
    if per_worker is not None and per_worker < 0.7 * threads:
        return ("the cores (CPU-bound): each busy worker got " f"{per_worker} of the {threads} core(s) it could use, "
                f"the machine being {neck['machine_cpu_cores']} of {cores} cores busy "
                f"({neck['others_cpu_cores']} of them other processes)")
    return (f"its concurrency cap: each busy worker used {per_worker} of the {threads} core(s) it can use, "
            f"with {round(cores - neck['machine_cpu_cores'], 2)} cores idle")


def run_steps(bin_dir, rates, step_seconds, users, workers, time_scale, stop_when_saturated=True):
    threads = max(1, 2 // workers)
    emulator = Emulator(bin_dir, workers, 300, parameters={
        "SignupsPerAddressPerHour": 100000, "JobsInFlight": 10000, "MonthlyAudioMinutes": 10000000},
        environment={"TIME_SCALE": str(time_scale)})
    results = []
    try:
        load = Load(emulator, users)
        sampler = Sampler(emulator)
        sampler.start()
        time.sleep(2)
        baseline = None
        for step, rate in enumerate(rates):
            begin = time.monotonic()
            inflight_begin = load.in_flight()
            interval = 60.0 / rate
            count = int(step_seconds / interval)
            for number in range(count):
                delay = begin + number * interval - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
                load.submit(step)
            time.sleep(max(0.0, begin + step_seconds - time.monotonic()))
            end = time.monotonic()
            result = summarize(step, rate, begin, end, sampler, load, inflight_begin, load.in_flight(), workers)
            result["workers"] = workers
            result["whisper_threads"] = threads
            result["saturated"] = saturated(result, baseline)
            # The quickest step so far is the unloaded time to transcript (the first step also pays
            # for the cold starts: the speech model loads once per worker).
            if result["transcript_p50_s"]:
                baseline = min(baseline or result["transcript_p50_s"], result["transcript_p50_s"])
            result["bottleneck"] = bottleneck(result)
            results.append(result)
            print(json.dumps(result), flush=True)
            if result["saturated"] and stop_when_saturated:
                break
        # Drain: whatever is in flight finishes (or the drain gives up), so none is left failing.
        drain_begin = time.monotonic()
        while load.in_flight() and time.monotonic() - drain_begin < 600:
            time.sleep(1)
        drained = {"drain_seconds": round(time.monotonic() - drain_begin, 1), "left_in_flight": load.in_flight(),
                   "jobs": len(load.jobs),
                   "failed": [j.get("error") for j in load.jobs if j["status"] in ("failed", "error")][:5],
                   "failed_count": sum(1 for j in load.jobs if j["status"] in ("failed", "error")),
                   "api_requests_per_job": round(len(load.api) / max(1, len(load.jobs)), 1)}
        sampler.stop.set()
        sampler.join(5)
        load.pool.shutdown(wait=False, cancel_futures=True)
        return results, drained
    finally:
        emulator.close()


def markdown(report):
    lines = [
        "| step | offered jobs/min | finished jobs/min | in flight (begin → end) | to transcript p50 / p95 s "
        "| API p50 / p95 ms | transcribe queue mean / max (wait s) | S3-event invocations waiting mean / max "
        "| CPU cores: machine / emulator+functions / client / others | saturated |",
        "|---|---|---|---|---|---|---|---|---|---|"]
    for r in report["steps"]:
        queue = next((q for name, q in r.get("queues", {}).items() if "Transcribe" in name), {})
        pending = r.get("queues", {}).get("async invocations (S3 events)", {})
        cpu = r.get("cpu_cores", {})
        lines.append(
            f"| {r['step'] + 1} ({r['workers']} workers) | {r['rate_per_min']} | {r['throughput_per_min']} "
            f"| {r['in_flight_begin']} → {r['in_flight_end']} | {r['transcript_p50_s']} / {r['transcript_p95_s']} "
            f"| {r['api_p50_ms']} / {r['api_p95_ms']} | {queue.get('mean')} / {queue.get('max')} ({queue.get('wait_s', '')}) "
            f"| {pending.get('mean')} / {pending.get('max')} "
            f"| {cpu.get('machine')} / {cpu.get('emulator_and_functions')} / {cpu.get('load_client')} / {cpu.get('others')} "
            f"| {'; '.join(r['saturated']) or 'no'} |")
    lines += ["", "| step | stage | invocations/s | service p50 / p95 ms | busy: mean of its concurrency (share) | CPU cores "
              "| CPU s per invocation |", "|---|---|---|---|---|---|---|"]
    for r in report["steps"]:
        for name, s in r.get("stages", {}).items():
            lines.append(f"| {r['step'] + 1} ({r['workers']} workers) | {name} | {s['invocations_per_s']} "
                         f"| {s['service_p50_ms']} / {s['service_p95_ms']} | {s['busy_mean']} of {s['concurrency']} ({s['busy_share']}) "
                         f"| {s['cpu_cores']} | {s['cpu_s_per_invocation']} |")
    lines += ["", f"Verdict: {report['verdict']}"]
    return "\n".join(lines) + "\n"


def verdict(steps, confirm, cores):
    saturating = next((s for s in steps if s["saturated"]), None)
    if saturating is None:
        return f"no step saturated up to {steps[-1]['rate_per_min']} jobs/min"
    neck = saturating["bottleneck"] or {}
    text = (f"saturated at {saturating['rate_per_min']} jobs/min (finished {saturating['throughput_per_min']}/min; "
            f"{'; '.join(saturating['saturated'])}). Busiest stage: {neck.get('stage')}, {neck.get('busy_mean')} of its "
            f"{saturating['workers'] if neck.get('stage') == 'TranscribeFunction' else 'limit'} workers busy, "
            f"{neck.get('invocations_per_s')} invocations/s at {neck.get('cpu_s_per_invocation')} CPU-s each on "
            f"{neck.get('cpu_cores')} cores. Held by {held_by(neck, cores)}" if neck else "")
    if confirm and confirm.get("bottleneck"):
        other = confirm["bottleneck"]
        text += (f". The same rate with {confirm['workers']} transcribe workers: {confirm['throughput_per_min']} jobs/min "
                 f"(was {saturating['throughput_per_min']}); {other['stage']} got {other['cpu_cores']} cores (was "
                 f"{neck.get('cpu_cores')}) at {other['cpu_s_per_invocation']} CPU-s each (was "
                 f"{neck.get('cpu_s_per_invocation')}), so its throughput followed the CPU it got; "
                 + (f"held by {held_by(other, cores)}" if confirm["saturated"] else
                    f"it kept up ({other['busy_mean']} of {confirm['workers']} workers busy)"))
        moved = round(other["others_cpu_cores"] - neck.get("others_cpu_cores", 0), 2)
        if abs(moved) > 0.3:
            text += (f". Other processes used {other['others_cpu_cores']} cores in that step against "
                     f"{neck.get('others_cpu_cores')} before, so the two steps had different CPU to share")
    return text


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("bin_dir")
    parser.add_argument("--rates", default="15,30,45,60,90,120,150,180,240", help="jobs per minute, one step each")
    parser.add_argument("--step-seconds", type=float, default=60)
    parser.add_argument("--users", type=int, default=40)
    parser.add_argument("--workers", type=int, default=2, help="TranscribeConcurrency (the queue's MaximumConcurrency)")
    parser.add_argument("--time-scale", type=float, default=0.1)
    parser.add_argument("--no-confirm", action="store_true", help="skip the step with twice the workers")
    parser.add_argument("--markdown", help="write BENCHMARKS.md's tables here")
    parser.add_argument("--report", help="no run: the tables and verdict again from a run's last JSON line, saved")
    args = parser.parse_args()
    if args.report:
        with open(args.report) as handle:
            report = json.loads(handle.read().strip().splitlines()[-1])
        for step in report["steps"]:
            step["bottleneck"] = bottleneck(step)
        confirm = report["steps"][-1] if report["steps"][-1]["workers"] != report["steps"][0]["workers"] else None
        report["verdict"] = verdict(report["steps"][:-1] if confirm else report["steps"], confirm,
                                    report["machine"]["cores"])
        if args.markdown:
            with open(args.markdown, "w") as handle:
                handle.write(markdown(report))
        print(json.dumps(report))
        return
    bin_dir = os.path.abspath(args.bin_dir)
    rates = [int(r) for r in args.rates.split(",")]
    started = time.time()
    steps, drained = run_steps(bin_dir, rates, args.step_seconds, args.users, args.workers, args.time_scale)
    print(json.dumps({"drain": drained}), flush=True)
    confirm = None
    saturating = next((s for s in steps if s["saturated"]), None)
    if saturating and not args.no_confirm:
        more, _ = run_steps(bin_dir, [saturating["rate_per_min"]], args.step_seconds, args.users, 2 * args.workers,
                            args.time_scale, stop_when_saturated=False)
        confirm = more[0]
        confirm["step"] = len(steps)
        steps.append(confirm)
    with open("/proc/cpuinfo") as handle:
        model = next((line.split(":", 1)[1].strip() for line in handle if line.startswith("model name")), "?")
    report = {"machine": {"cores": os.cpu_count(), "model": model, "load_average_at_end": os.getloadavg()},
              "bin_dir": bin_dir, "users": args.users, "step_seconds": args.step_seconds,
              "time_scale": args.time_scale, "poll_seconds": POLL_SECONDS, "started": started,
              "minutes": round((time.time() - started) / 60, 1), "steps": steps, "drain": drained}
    report["verdict"] = verdict(steps[:-1] if confirm else steps, confirm, os.cpu_count())
    if args.markdown:
        with open(args.markdown, "w") as handle:
            handle.write(markdown(report))
    print(json.dumps(report))
    sys.exit(1 if drained["failed_count"] else 0)


if __name__ == "__main__":
    main()
