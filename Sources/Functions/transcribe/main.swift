// The transcribe stage: audio/ chunks → segments/.
import Runtime
import Speech

Lambda.run { try TranscribeFunction() }
