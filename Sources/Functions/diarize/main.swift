// The diarize stage: the whole recording (audio/…/recording.wav) → segments/…/speakers.json, with
// senko's speakers.
import Diarization
import Runtime
import Transcriptor

Lambda.run { try DiarizeFunction(engine: SenkoEngine(settings: .fromDiarizeEnvironment())) }
