import { useCallback, useEffect, useRef, useState } from "react";
import { messageOf } from "../api/errors";
import type { MediaLink } from "../api/types";
import { Alert } from "./Alert";
import { Loading } from "./Spinner";

const SPEEDS = [0.75, 1, 1.25, 1.5, 2];

interface MediaPlayerProps {
  /** Fetches a URL of the recording (the job's, or a share link's); a stable function, called again when one expires. */
  load: () => Promise<MediaLink>;
  title: string;
  onAudio: (audio: HTMLAudioElement | null) => void;
}

/**
 * A job's playable rendition. Its URL is short-lived: when the element fails (an expired link),
 * a new URL is fetched and playback resumes where it was.
 */
export function MediaPlayer({ load: fetchLink, title, onAudio }: MediaPlayerProps) {
  const [url, setUrl] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [speed, setSpeed] = useState(1);
  const audio = useRef<HTMLAudioElement | null>(null);
  const resume = useRef<{ time: number; playing: boolean } | null>(null);
  const lastRenewal = useRef(0);

  const load = useCallback(async () => {
    try {
      const media = await fetchLink();
      setUrl(media.url);
      setError(null);
    } catch (caught) {
      setError(messageOf(caught));
    }
  }, [fetchLink]);

  useEffect(() => {
    void load();
  }, [load]);

  const attach = useCallback(
    (element: HTMLAudioElement | null) => {
      audio.current = element;
      onAudio(element);
    },
    [onAudio],
  );

  const onError = () => {
    const element = audio.current;
    if (!element) return;
    // One renewal a minute at most: a file that cannot play is not cured by a new link.
    if (Date.now() - lastRenewal.current < 60_000) {
      setError("The recording can't be played in this browser. The transcript and downloads still work.");
      return;
    }
    lastRenewal.current = Date.now();
    resume.current = { time: element.currentTime, playing: !element.paused };
    void load();
  };

  const onLoadedMetadata = () => {
    const element = audio.current;
    if (!element) return;
    element.playbackRate = speed;
    if (resume.current) {
      element.currentTime = resume.current.time;
      if (resume.current.playing) void element.play().catch(() => undefined);
      resume.current = null;
    }
  };

  useEffect(() => {
    if (audio.current) audio.current.playbackRate = speed;
  }, [speed]);

  return (
    <div className="player">
      {url ? (
        <audio
          ref={attach}
          className="player-audio"
          src={url}
          controls
          preload="metadata"
          aria-label={`Recording of “${title}”`}
          onError={onError}
          onLoadedMetadata={onLoadedMetadata}
        />
      ) : (
        !error && <Loading label="Loading the recording…" />
      )}
      {error && <Alert tone="warning">{error}</Alert>}
      <div className="player-speed">
        <label htmlFor="player-speed">Speed</label>
        <select id="player-speed" className="input input-small select" value={speed} onChange={(event) => setSpeed(Number(event.target.value))}>
          {SPEEDS.map((value) => (
            <option key={value} value={value}>
              {value}×
            </option>
          ))}
        </select>
      </div>
    </div>
  );
}
