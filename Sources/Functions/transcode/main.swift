// The transcode stage: uploads/ → renditions/ and audio/ chunks.
import Runtime
import Transcriptor

Lambda.run { try TranscodeFunction() }
