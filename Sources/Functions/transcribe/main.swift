// The transcribe stage: audio/ chunks → segments/, with the engine the environment chooses.
import Runtime
import Speech
import Transcriptor

Lambda.run { try TranscribeFunction(engine: SpeechEngines.fromEnvironment()) }
