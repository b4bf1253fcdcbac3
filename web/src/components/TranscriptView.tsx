import { memo, useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent, type MouseEvent } from "react";
import type { Segment, Transcript } from "../api/types";
import { useDebounced } from "../hooks/useDebounced";
import { useEditMode } from "../hooks/useEditMode";
import type { TranscriptEditor } from "../hooks/useTranscriptEditor";
import { editableText } from "../lib/edits";
import { formatTimestamp } from "../lib/format";
import { filterTurns, groupTurns, hasSpeakers, segmentsOf, speakerList, type SpeakerInfo, type Turn } from "../lib/speakers";
import { buildTimeIndex, displayWord, findMatches, wordAt, wordsOf, type Match } from "../lib/transcript";
import { ConfirmDialog } from "./Dialog";
import { EditBar } from "./EditBar";
import { Icon } from "./Icon";
import { SegmentEditor } from "./SegmentEditor";
import { SpeakerFilter, SpeakerName } from "./Speakers";

const NO_MATCHES: readonly (readonly [number, number, boolean])[] = [];

/** Words the engine was less sure of than this are marked (dotted underline). */
const LOW_CONFIDENCE = 0.5;

interface SegmentViewProps {
  segment: Segment;
  index: number;
  /** The word being spoken, a position in this segment; -1 when none is. */
  activeWord: number;
  /** Search matches in this segment: [first word, last word, is the current match]. */
  matches: readonly (readonly [number, number, boolean])[];
  onSeek: (seconds: number) => void;
  /** Whether there is a recording to play: without one, the start is plain text. */
  playable: boolean;
  /** In edit mode: opens the segment's editor, the caret at the clicked word (its position in `wordsOf`). */
  onEdit?: (index: number, word: number) => void;
}

/**
 * One segment: its start (a button that plays from there) and its words: click one to play from
 * it, or in edit mode to edit the segment from there.
 */
const SegmentView = memo(function SegmentView({ segment, index, activeWord, matches, onSeek, playable, onEdit }: SegmentViewProps) {
  const words = wordsOf(segment);
  const clickedWord = (event: MouseEvent<HTMLElement>) => {
    const target = (event.target as HTMLElement).closest<HTMLElement>("[data-w]");
    return target ? Number(target.dataset.w) : -1;
  };
  const onClick = (event: MouseEvent<HTMLParagraphElement>) => {
    const word = words[clickedWord(event)];
    if (word) onSeek(word.start);
  };
  const markOf = (w: number): string => {
    let mark = "";
    for (const [first, last, current] of matches) {
      if (w >= first && w <= last) mark = current ? " is-current-match" : mark || " is-match";
    }
    return mark;
  };
  return (
    <div className={`segment${activeWord >= 0 ? " is-active" : ""}`} data-segment={index}>
      {playable ? (
        <button type="button" className="segment-time" onClick={() => onSeek(segment.start)} aria-label={`Play from ${formatTimestamp(segment.start)}`}>
          {formatTimestamp(segment.start)}
        </button>
      ) : (
        <span className="segment-time">{formatTimestamp(segment.start)}</span>
      )}
      {onEdit ? (
        <button type="button" className="segment-text segment-edit" data-testid="segment-edit" onClick={(event) => onEdit(index, Math.max(0, clickedWord(event)))} aria-describedby="edit-hint">
          <span className="visually-hidden">Edit: </span>
          {wordSpans(words, activeWord, markOf)}
        </button>
      ) : (
        <p className="segment-text" onClick={onClick}>
          {wordSpans(words, activeWord, markOf)}
        </p>
      )}
    </div>
  );
});

/** A segment's words, each a span that knows its position and start (what a click seeks or edits from). */
function wordSpans(words: ReturnType<typeof wordsOf>, activeWord: number, markOf: (w: number) => string) {
  return words.map((word, w) => {
    const low = typeof word.confidence === "number" && word.confidence < LOW_CONFIDENCE;
    return (
      <span key={w}>
        {w > 0 && " "}
        <span
          className={`word${w === activeWord ? " is-active" : ""}${low ? " is-unsure" : ""}${markOf(w)}`}
          data-w={w}
          data-start={word.start}
          aria-current={w === activeWord ? "true" : undefined}
        >
          {displayWord(word)}
        </span>
      </span>
    );
  });
}

interface TranscriptViewProps {
  transcript: Transcript;
  /** The player the transcript follows and seeks. */
  audio: HTMLAudioElement | null;
  /** Renames a speaker (its id, the trimmed name); rejects with what went wrong. Without it, names are not editable. */
  onRenameSpeaker?: (id: string, name: string) => Promise<void>;
  /** Saves edits of the transcript; without it there is no edit mode. */
  editor?: TranscriptEditor;
  /** Whether there is a recording to follow and seek (default true); without one, no play buttons. */
  playable?: boolean;
}

/**
 * The transcript beside the player: the word being spoken highlighted as it plays (looked up on
 * every frame while playing, re-rendering only the segments whose highlight moves), click to
 * seek, and search with next/previous. A transcript with speakers shows them by turn (the name,
 * renamable, in the speaker's colour) and can show one speaker's turns only; search then counts
 * the shown turns' matches.
 *
 * With an `editor`, an Edit mode: click a segment to edit its text (Enter saves, Escape cancels),
 * split, merge, delete it or change its speaker; each change is saved at once, and Alt+K plays or
 * pauses the recording meanwhile. Without either, it is read-only (a share link's page).
 */
export function TranscriptView({ transcript, audio, onRenameSpeaker, editor, playable = true }: TranscriptViewProps) {
  const segments = transcript.segments;
  const index = useMemo(() => buildTimeIndex(segments), [segments]);
  const labelled = hasSpeakers(transcript);
  const speakers = useMemo(() => speakerList(transcript), [transcript]);
  const byId = useMemo(() => new Map(speakers.map((speaker) => [speaker.id, speaker])), [speakers]);
  const turns = useMemo(() => groupTurns(segments), [segments]);
  const [only, setOnly] = useState<string | null>(null);
  const filter = only !== null && byId.has(only) ? only : null;
  const shownTurns = useMemo(() => filterTurns(turns, filter), [turns, filter]);
  const shown = useMemo(() => (filter === null ? null : segmentsOf(shownTurns)), [filter, shownTurns]);
  const [active, setActive] = useState(-1);
  const [follow, setFollow] = useState(true);
  const [query, setQuery] = useState("");
  const search = useDebounced(query, 150);
  const matches = useMemo(() => {
    const found = findMatches(segments, search);
    return shown ? found.filter((match) => shown.has(match.segment)) : found;
  }, [segments, search, shown]);
  const [current, setCurrent] = useState(0);
  const container = useRef<HTMLDivElement>(null);
  const activeRef = useRef(-1);
  const edit = useEditMode(editor, segments, audio, container);
  const { editMode, opened, saving } = edit;

  // Follow the player: on every animation frame while playing, and on seeks while paused.
  useEffect(() => {
    if (!audio) return undefined;
    let frame = 0;
    const update = () => {
      const next = wordAt(index, audio.currentTime);
      if (next !== activeRef.current) {
        activeRef.current = next;
        setActive(next);
      }
    };
    const loop = () => {
      update();
      frame = requestAnimationFrame(loop);
    };
    const onPlay = () => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(loop);
    };
    const onPause = () => {
      cancelAnimationFrame(frame);
      update();
    };
    audio.addEventListener("play", onPlay);
    audio.addEventListener("pause", onPause);
    audio.addEventListener("ended", onPause);
    audio.addEventListener("seeked", update);
    audio.addEventListener("timeupdate", update);
    update();
    if (!audio.paused) onPlay();
    return () => {
      cancelAnimationFrame(frame);
      audio.removeEventListener("play", onPlay);
      audio.removeEventListener("pause", onPause);
      audio.removeEventListener("ended", onPause);
      audio.removeEventListener("seeked", update);
      audio.removeEventListener("timeupdate", update);
    };
  }, [audio, index]);

  const spoken = active >= 0 ? index.words[active] : undefined;
  const activeSegment = spoken?.segment ?? -1;

  // Keep the spoken segment in view while following a playing recording.
  useEffect(() => {
    if (!follow || activeSegment < 0 || !audio || audio.paused || opened) return;
    const element = container.current?.querySelector<HTMLElement>(`[data-segment="${activeSegment}"]`);
    element?.scrollIntoView({ block: "nearest", behavior: "smooth" });
  }, [activeSegment, follow, audio, opened]);

  // A new search (or filter) starts at its first match; the current match is scrolled to.
  useEffect(() => setCurrent(0), [search, filter]);
  useEffect(() => {
    const match = matches[current];
    if (!match) return;
    const element = container.current?.querySelector<HTMLElement>(`[data-segment="${match.segment}"]`);
    element?.scrollIntoView({ block: "nearest", behavior: "smooth" });
  }, [matches, current]);

  const seek = useCallback(
    (seconds: number) => {
      if (!audio) return;
      audio.currentTime = seconds;
      if (audio.paused) void audio.play().catch(() => undefined);
    },
    [audio],
  );

  const bySegment = useMemo(() => {
    const map = new Map<number, (readonly [number, number, boolean])[]>();
    matches.forEach((match: Match, i) => {
      const list = map.get(match.segment) ?? [];
      list.push([match.first, match.last, i === current] as const);
      map.set(match.segment, list);
    });
    return map;
  }, [matches, current]);

  const step = (delta: number) => {
    if (matches.length === 0) return;
    setCurrent((value) => (value + delta + matches.length) % matches.length);
  };
  const onSearchKey = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === "Enter") {
      event.preventDefault();
      step(event.shiftKey ? -1 : 1);
    } else if (event.key === "Escape" && query) {
      event.preventDefault();
      setQuery("");
    }
  };

  const counter = !search.trim() ? "" : matches.length === 0 ? "No matches" : `${current + 1} of ${matches.length}`;

  const segmentView = (s: number) =>
    opened?.index === s && editor ? (
      <div key={s} className="segment is-editing" data-segment={s}>
        <button type="button" className="segment-time" onClick={() => seek(segments[s].start)} aria-label={`Play from ${formatTimestamp(segments[s].start)}`}>
          {formatTimestamp(segments[s].start)}
        </button>
        <SegmentEditor
          segment={segments[s]}
          index={s}
          draft={opened.draft}
          onDraft={edit.setDraft}
          initialCaret={opened.caret}
          speakers={labelled ? speakers : []}
          busy={saving}
          locked={editor.state.kind === "conflict"}
          isLast={s === segments.length - 1}
          onSave={() => void edit.save()}
          onCancel={() => edit.close(s)}
          onSplit={(atWord) => void edit.applyAndClose({ split: { segment: s, atWord } }, s)}
          onMerge={() => void edit.applyAndClose({ merge: { segment: s } }, s)}
          onSpeaker={(speaker) => void editor.apply({ segment: s, speaker })}
          onDelete={() => edit.setDeleting(s)}
        />
      </div>
    ) : (
      <SegmentView
        key={s}
        segment={segments[s]}
        index={s}
        activeWord={s === activeSegment && spoken ? spoken.word : -1}
        matches={bySegment.get(s) ?? NO_MATCHES}
        onSeek={seek}
        playable={playable}
        onEdit={editMode ? edit.onEdit : undefined}
      />
    );
  const turnView = (turn: Turn) => {
    const speaker: SpeakerInfo | undefined = turn.speaker === undefined ? undefined : byId.get(turn.speaker);
    return (
      <div key={turn.segments[0]} className={`turn${speaker ? ` speaker-${speaker.colour}` : ""}`} data-speaker={turn.speaker}>
        {speaker && <SpeakerName speaker={speaker} onRename={onRenameSpeaker} />}
        {turn.segments.map(segmentView)}
      </div>
    );
  };

  return (
    <section className="card transcript" aria-labelledby="transcript-heading">
      <div className="transcript-toolbar">
        <h2 id="transcript-heading" className="card-title">
          Transcript
        </h2>
        <div className="transcript-search" role="search">
          <Icon name="search" className="search-icon" />
          <label htmlFor="transcript-search" className="visually-hidden">
            Search in the transcript
          </label>
          <input
            id="transcript-search"
            className="input input-small search-input"
            type="search"
            placeholder="Search in the transcript"
            value={query}
            onChange={(event) => setQuery(event.target.value)}
            onKeyDown={onSearchKey}
            aria-describedby="transcript-search-count"
            autoComplete="off"
          />
          <span id="transcript-search-count" className="search-count" aria-live="polite">
            {counter}
          </span>
          <button type="button" className="icon-button" onClick={() => step(-1)} disabled={matches.length === 0} aria-label="Previous match">
            <Icon name="chevronUp" />
          </button>
          <button type="button" className="icon-button" onClick={() => step(1)} disabled={matches.length === 0} aria-label="Next match">
            <Icon name="chevronDown" />
          </button>
        </div>
        {playable && (
          <label className="toggle">
            <input type="checkbox" checked={follow} onChange={(event) => setFollow(event.target.checked)} />
            <span>Follow playback</span>
          </label>
        )}
        {editor && (
          <button
            type="button"
            className={`button button-small ${editMode ? "button-primary" : "button-secondary"}`}
            data-testid="edit-toggle"
            aria-pressed={editMode}
            onClick={edit.toggle}
            disabled={saving}
          >
            {editMode ? <Icon name="check" size={16} /> : <Icon name="pencil" size={16} />}
            {editMode ? "Done editing" : "Edit"}
          </button>
        )}
        {speakers.length > 1 && <SpeakerFilter speakers={speakers} value={filter} onChange={setOnly} />}
      </div>
      {editor && editMode && (
        <EditBar
          editor={editor}
          onReset={edit.reset}
          onUndo={() => void edit.undo()}
          undoBlocked={edit.openDirty ? "Save or cancel the open segment first" : undefined}
        />
      )}
      {segments.length === 0 ? (
        <p className="transcript-empty">No speech was found in this recording.</p>
      ) : (
        <div className="transcript-body" ref={container} lang={transcript.language && transcript.language !== "auto" ? transcript.language : undefined}>
          {labelled ? shownTurns.map(turnView) : segments.map((_segment, s) => segmentView(s))}
          {labelled && shownTurns.length === 0 && <p className="transcript-filtered">This speaker says nothing in the transcript.</p>}
        </div>
      )}
      {edit.deleting !== null && segments[edit.deleting] && (
        <ConfirmDialog title="Delete this segment?" confirmLabel="Delete segment" danger onConfirm={edit.confirmDelete} onClose={() => edit.setDeleting(null)}>
          <p>
            “{editableText(segments[edit.deleting]).text.slice(0, 120)}” is removed from the transcript. Undo can't bring a deleted segment back; Revert to
            original can, with every other edit undone.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}
